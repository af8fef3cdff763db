//! The strength floor for a clinician's passphrase, set at registration on the clinician's
//! side (the server never sees the passphrase). The estimate is zxcvbn's: the guesses an
//! attacker who knows common passwords, words, names, dates and keyboard patterns would need.
//! The account's own email and name count as known words.

use crate::error::{Error, Result};

/// The lowest zxcvbn score accepted (0-4): 3, "safely unguessable" (about 10^8 guesses or
/// more), each of which costs an attacker a full Argon2id evaluation (`opaque.rs`).
pub const MIN_SCORE: u8 = 3;

/// Refuse a passphrase weaker than [`MIN_SCORE`], with zxcvbn's advice (never the passphrase).
pub fn check_passphrase_strength(passphrase: &[u8], known: &[&str]) -> Result<()> {
    let Ok(text) = std::str::from_utf8(passphrase) else {
        return Err(Error::invalid("passphrase", "use letters, numbers and punctuation (valid UTF-8 text)"));
    };
    // Each part of an email or a name counts as a known word on its own.
    let mut words: Vec<&str> = known.to_vec();
    words.extend(known.iter().flat_map(|k| k.split(|c: char| !c.is_alphanumeric())).filter(|w| w.len() >= 3));
    let estimate = zxcvbn::zxcvbn(text, &words);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return Ok(());
    }
    let mut advice = String::from("too easy to guess; a few unrelated words make a strong passphrase");
    if let Some(feedback) = estimate.feedback() {
        if let Some(w) = feedback.warning() {
            advice.push_str(&format!(" ({w})"));
        }
    }
    Err(Error::invalid("passphrase", advice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passphrases_are_refused_and_long_unrelated_words_pass() {
        for weak in ["password", "Password1", "qwertyuiop", "example2024", "samexample"] {
            let err = check_passphrase_strength(weak.as_bytes(), &["dr.example@clinic.invalid", "Sam Example"]);
            assert!(matches!(err, Err(Error::Invalid { field: "passphrase", .. })), "{weak}");
            if weak != "password" {
                // ("password" is also a word of zxcvbn's advice.)
                assert!(!err.unwrap_err().to_string().contains(weak), "the message never repeats the passphrase");
            }
        }
        for strong in
            ["correct horse battery staple", "lantern orbit velvet", "demo clinician passphrase, not for real use"]
        {
            assert!(check_passphrase_strength(strong.as_bytes(), &["dr.example@clinic.invalid"]).is_ok(), "{strong}");
        }
        assert!(check_passphrase_strength(&[0xff, 0xfe], &[]).is_err());
    }
}
