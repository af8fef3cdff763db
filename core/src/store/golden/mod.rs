//! Golden bytes: record payloads exactly as release b9cfb7c wrote them, captured by encoding the
//! values of [`values`] with that release's code. Each must decode to its value forever (a
//! stored value from that release opens in every later one); while version 1 is what this
//! build writes, encoding the value must also give these bytes, so a changed payload type
//! fails here before it reaches anyone's phone. Field-less enums stored by variant index are
//! pinned at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub(crate) mod values;

use super::record::{decode_record, encode_record, Payload, Record};
use super::{Catalog, RecordKind};
use crate::id::RecordId;

fn unhex(h: &str) -> Vec<u8> {
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A version 1 head of an entry that now carries a risk flag, as version 2 writes it: the
/// same fields, then the flag (`00` none, `0100` suicide, `0101` self-harm).
fn flagged(v1_head: &str, flag: &str) -> String {
    assert!(v1_head.starts_with("01"));
    format!("02{}{flag}", &v1_head[2..])
}

/// `head` and `body`, stored by an earlier version, decode to `expected` (this build writes
/// another version).
fn upgraded<R: Record + PartialEq>(head: &str, body: Option<&str>, expected: R) {
    let (h, b) = (unhex(head), body.map(unhex));
    let got: R = decode_record(expected.id(), &h, b.as_deref())
        .unwrap_or_else(|p| panic!("{:?} {} no longer decodes: {p}", R::KIND, expected.id()));
    assert!(got == expected, "{:?}: the stored bytes decode to another value", R::KIND);
}

/// `head` and `body` decode to `expected`, and `expected` encodes to them.
fn golden<R: Record + PartialEq>(head: &str, body: Option<&str>, expected: R) {
    let (h, b) = (unhex(head), body.map(unhex));
    let got: R = decode_record(expected.id(), &h, b.as_deref())
        .unwrap_or_else(|p| panic!("{:?} {} no longer decodes: {p}", R::KIND, expected.id()));
    assert!(got == expected, "{:?}: the stored bytes decode to another value", R::KIND);
    let (eh, eb) = encode_record(&expected).unwrap();
    assert_eq!(hex(&eh), head, "{:?}: the head is no longer written as version 1 wrote it", R::KIND);
    assert_eq!(
        eb.map(|b| hex(&b)).as_deref(),
        body,
        "{:?}: the body is no longer written as version 1 wrote it",
        R::KIND
    );
}

const URGE_HEAD: &str = concat!(
    "0180aeadbba068c070010d4575726f70652f4265726c696e80aee397a668a038000180fc80d9a6680702066c6f6e656c",
    "790574697265640108726573746c65737301010184070101010943616c6c20416c657801100202020202020202020202",
    "0202020202",
);
const URGE_BODY: &str = "01010874686520736f666101097363726f6c6c696e67011457616e74656420746f2063616c6c20416c65782e";
/// The urge's body with the note "I want to hurt myself" (its version 2 head says self-harm).
const URGE_BODY_SELF_HARM: &str =
    "01010874686520736f666101097363726f6c6c696e670115492077616e7420746f2068757274206d7973656c66";
const SURF_HEAD: &str = concat!(
    "010110010101010101010101010101010101010180aeadbba068c070010d4575726f70652f4265726c696eb009b40101",
    "80e3c5bba06801c08ccdbba0680480aeadbba0680000000108c0aac3bba068a0fe0a0101010106c0d0e0bba068c0fc15",
    "01010200c0b2eabba068c0ed1a030001010201c0b2eabba068010000",
);
const SURF_BODY: &str = concat!(
    "01020115427265617468696e6720736c6f776572206e6f772e030a4974207061737365642e011753697474696e67206f",
    "6e207468652062616c636f6e792e",
);
const EXERCISE_SESSION_HEAD: &str = concat!(
    "0103626f7802010600013780aeadbba068c070010d4575726f70652f4265726c696e80aee397a668a0380080d30ee0a7",
    "12000101070104",
);
const EXERCISE_SESSION_BODY: &str =
    "010d426f7820627265617468696e67011943616c6d657220616674657220666f757220726f756e64732e";
const CUSTOM_EXERCISE_HEAD: &str =
    "010c6576656e696e672d63616c6d03000180aeadbba068c070010d4575726f70652f4265726c696e0180fc80d9a668";
const CUSTOM_EXERCISE_BODY: &str = concat!(
    "010c6576656e696e672d63616c6d030c4576656e696e672063616c6d18536c6f772062726561746873206265666f7265",
    "206265642e0002010a536574746c6520696e2e882703010002114272656174686520696e20736c6f776c79a01f001242",
    "726561746865206f757420736c6f776c79f02e020601013c286401",
);
const STRATEGY_USE_HEAD: &str = concat!(
    "0110060606060606060606060606060606061357616c6b20726f756e6420746865207061726b01100707070707070707",
    "0707070707070707010f4c6f6e656c79206576656e696e677380aeadbba068c070010d4575726f70652f4265726c696e",
    "01100101010101010101010101010101010101060101",
);
const SLIP_HEAD: &str = concat!(
    "0180aeadbba068c070010d4575726f70652f4265726c696e80aee397a668a038000180fc80d9a6680110010101010101",
    "0101010101010101010102000907000102030405060107020180aee397a668a0380002",
);
const SLIP_BODY: &str = concat!(
    "01255761746368656420666f7220616e20686f757220616674657220612068617264206461792e0200010a4669766520",
    "686f75727309000119412074656e7365206d656574696e672072616e206c6174652e0200114920646573657276652061",
    "20627265616b000315546f6f6b207468652070686f6e6520746f20626564011e4c65617665207468652070686f6e6520",
    "696e20746865206b69746368656e0117536c657074206261646c792c2066656c7420666c61742e0112546f6c64206d79",
    "207468657261706973742e012250686f6e652063686172676573206f7574736964652074686520626564726f6f6d2e00",
    "070001020304050601070203144e6f2070686f6e652061667465722032323a3030000080fc80d9a66802095465787420",
    "416c6578010f4c6f6e656c79206576656e696e67730102c0a588d9a668",
);
const CHECK_IN_HEAD: &str = concat!(
    "010a323032362d31302d313180aeadbba068c070010d4575726f70652f4265726c696e80aee397a668a0380001060104",
    "00010702",
);
const CHECK_IN_BODY: &str = "0101134576656e696e6720776173206861726465722e";
const GOAL_HEAD: &str = concat!(
    "0180aeadbba068c070010d4575726f70652f4265726c696e0180fc80d9a668060577616c6b730c0a323032362d31302d",
    "30310a323032362d31312d3330020a323032362d31302d30390280ecc4dba3680a323032362d31302d31310180f4a29a",
    "a56801",
);
const GOAL_BODY: &str = "010d4576656e696e672077616c6b730118492077616e74206d79206576656e696e6773206261636b2e";
const SETTINGS_HEAD: &str = "0101";
/// Safety settings, version 1 (added after b9cfb7c: these are the bytes of its first release).
const SAFETY_SETTINGS_HEAD: &str = "010102474201063131322d3130010a";
const PAIRING_HEAD: &str = concat!(
    "01100b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1b68747470733a2f2f73796e632e636c696e69632e696e76616c69640a63",
    "6c5f6669787475726510447220526f62696e204669787475726506060606060606060606060606060606060606060606",
    "060606060606060606061d376b71332d6d6139782d306331642d326533662d346735682d366a376b0b6465765f666978",
    "747572653007070707070707070707070707070707070707070707070707070707070707070707070707070707070707",
    "070707070780aeadbba068c070010d4575726f70652f4265726c696e",
);
const SHARE_HEAD: &str = concat!(
    "01100c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c100b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b08080808080808080808080808",
    "080808080909090909090909090909090909090909090909090909090909090909090909010a323032362d31302d3031",
    "010a323032372d30332d333180aeadbba068c070010d4575726f70652f4265726c696e0180aee397a668a0380001010a",
    "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a100d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d010b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b2220010c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c050d0d0d0d0d020e0e0e0e0e",
    "0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
    "0f0f0f0f0f0f0f0f0f0f0f020110447220526f62696e204669787475726580aee397a668a038002b4164646564207468",
    "6520737472617465677920224a6f696e2074686520547565736461792067726f7570220180aee397a668a03800011f74",
    "68652073657276657220636f756c64206e6f74206265207265616368656401e0d084d9a668",
);
const RECEIPT_HEAD: &str = concat!(
    "01100e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e010710447220526f62696e20466978747572651d376b71332d6d6139782d",
    "306331642d326533662d346735682d366a376b1b68747470733a2f2f73796e632e636c696e69632e696e76616c696401",
    "0a323032362d31302d30310080aeadbba068c070010d4575726f70652f4265726c696e1a636f6e73656e742d776f7264",
    "696e672d323032362d31312d763140616261626162616261626162616261626162616261626162616261626162616261",
    "62616261626162616261626162616261626162616261626162616261626162",
);
const DOC_HEAD: &str = "01";
const DOC_BODY: &str = concat!(
    "0107856f4a83010203021a3034306732303831303430673230383130343067323038313034ffffffffffffffffff010a",
    "323032362d30392d323805",
);
const CATALOG_HEAD: &str = "01020a0282fc0284fc021e0184fc02";
const PLAN_SNAPSHOT_HEAD: &str = "0100010101010101010101010101010101010101010101010101010101010101010101";
const PLAN_CHUNK_HEAD: &str = concat!(
    "010102020202020202020202020202020202020202020202020202020202020202020203030303030303030303030303",
    "03030303030303030303030303030303030303",
);
const PLAN_ACTOR_HEAD: &str = "01020404040404040404040404040404040405050505050505050505050505050505";

/// Version 1 of the urge, slip, check-in and surf-session heads (before the risk flag) reads
/// as not flagged; version 2 is written.
#[test]
fn urge() {
    upgraded(URGE_HEAD, Some(URGE_BODY), values::urge());
    golden(&flagged(URGE_HEAD, "00"), Some(URGE_BODY), values::urge());
    let hurt = crate::urge::Urge {
        note: Some("I want to hurt myself".into()),
        risk: Some(crate::safety::RiskConcern::SelfHarm),
        ..values::urge()
    };
    golden(&flagged(URGE_HEAD, "0101"), Some(URGE_BODY_SELF_HARM), hurt);
}

#[test]
fn surf_session() {
    upgraded(SURF_HEAD, Some(SURF_BODY), values::surf_session());
    golden(&flagged(SURF_HEAD, "00"), Some(SURF_BODY), values::surf_session());
}

#[test]
fn exercise_session() {
    golden(EXERCISE_SESSION_HEAD, Some(EXERCISE_SESSION_BODY), values::exercise_session());
}

#[test]
fn custom_exercise() {
    golden(CUSTOM_EXERCISE_HEAD, Some(CUSTOM_EXERCISE_BODY), values::custom_exercise());
}

#[test]
fn strategy_use() {
    golden(STRATEGY_USE_HEAD, None, values::strategy_use());
}

#[test]
fn slip() {
    upgraded(SLIP_HEAD, Some(SLIP_BODY), values::slip());
    golden(&flagged(SLIP_HEAD, "00"), Some(SLIP_BODY), values::slip());
}

#[test]
fn check_in() {
    upgraded(CHECK_IN_HEAD, Some(CHECK_IN_BODY), values::check_in());
    golden(&flagged(CHECK_IN_HEAD, "00"), Some(CHECK_IN_BODY), values::check_in());
    let die = crate::checkin::CheckIn {
        note: Some("I want to die.".into()),
        risk: Some(crate::safety::RiskConcern::Suicide),
        ..values::check_in()
    };
    golden(&flagged(CHECK_IN_HEAD, "0100"), Some("01010e492077616e7420746f206469652e"), die);
}

#[test]
fn goal() {
    golden(GOAL_HEAD, Some(GOAL_BODY), values::goal());
}

#[test]
fn notification_settings() {
    let settings =
        crate::notify::NotificationSettings { id: values::id(15), wording: crate::notify::Wording::Explicit };
    golden(SETTINGS_HEAD, None, settings);
}

#[test]
fn safety_settings() {
    use crate::safety::settings::SafetySettingsRecord;
    let settings = crate::safety::SafetySettings {
        emergency_region: Some("GB".into()),
        own_emergency_number: Some("112-10".into()),
        high_mark: Some(10),
    };
    golden(SAFETY_SETTINGS_HEAD, None, SafetySettingsRecord { id: values::id(16), settings });
    // Nothing chosen: three absent options.
    let none = SafetySettingsRecord { id: values::id(16), settings: Default::default() };
    golden("01000000", None, none);
}

#[test]
fn pairing() {
    golden(PAIRING_HEAD, None, values::pairing());
}

#[test]
fn share() {
    golden(SHARE_HEAD, None, values::share());
}

#[test]
fn consent_receipt() {
    golden(RECEIPT_HEAD, None, values::receipt());
}

#[test]
fn share_document() {
    let digests = [("2026-09-28".to_string(), 5), (values::id(1).to_text(), u64::MAX)].into_iter().collect();
    let doc = crate::share::ShareDocument { id: values::id(13), bytes: vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3], digests };
    golden(DOC_HEAD, Some(DOC_BODY), doc);
}

#[test]
fn catalog() {
    let months = [(RecordKind::Urge.code(), [24_321, 24_322].into()), (RecordKind::Slip.code(), [24_322].into())];
    golden(CATALOG_HEAD, None, Catalog { months: months.into_iter().collect() });
}

#[test]
fn plan_heads() {
    use crate::plan::storage::Head;
    let cases = [
        (PLAN_SNAPSHOT_HEAD, Head::Snapshot { heads: vec![[1; 32]] }),
        (PLAN_CHUNK_HEAD, Head::Chunk { heads: vec![[2; 32], [3; 32]] }),
        (PLAN_ACTOR_HEAD, Head::Actor { actor: [4; 16], store_id: [5; 16] }),
    ];
    for (bytes, head) in cases {
        assert_eq!(super::record::decode::<Head>(&unhex(bytes)).unwrap(), head);
        assert_eq!(hex(&super::record::encode(&head).unwrap()), bytes);
    }
}

/// Scans decode borrowing twins of the heads: the golden heads read the same through them.
#[test]
fn scans_read_the_golden_heads_as_the_records_do() {
    let u = values::urge();
    let head = unhex(URGE_HEAD);
    let f = crate::urge::stored::decode_facts(u.id, &head).unwrap();
    assert_eq!(
        (f.occurred_utc_ms, f.offset_secs, f.intensity),
        (u.occurred.utc_ms, u.occurred.offset_secs, u.intensity)
    );
    assert_eq!(
        (f.duration_secs, f.outcome, f.company, f.surf_session),
        (u.duration_secs, u.outcome, u.company, u.surf_session)
    );
    assert_eq!((f.triggers, f.feelings, f.strategies), (vec!["lonely", "tired"], vec!["restless"], vec!["Call Alex"]));

    let s = values::slip();
    let h = crate::slip::stored::decode_head(s.id, &unhex(SLIP_HEAD)).unwrap();
    assert_eq!((h.utc_ms, h.day, h.urge), (s.occurred.utc_ms, s.local_date(), s.urge));
    assert_eq!(h.factors, s.chain.vulnerabilities.iter().map(|v| v.factor).collect::<Vec<_>>());
    assert_eq!((h.status, h.completed_day), (s.chain.status(), s.chain_completed.map(|c| c.local_date())));

    let c = values::check_in();
    let f = crate::checkin::stored::decode_facts(&unhex(CHECK_IN_HEAD)).unwrap();
    assert_eq!((f.day, f.first_ms, f.at_ms), (c.day, c.first_at.utc_ms, c.at.utc_ms));
    assert_eq!(f.scores, [c.mood, c.stress, c.loneliness, c.sleep]);

    // Version 2: the same facts, and the flag.
    let head = unhex(&flagged(URGE_HEAD, "0101"));
    let f = crate::urge::stored::decode_facts(u.id, &head).unwrap();
    assert_eq!((f.intensity, f.triggers), (u.intensity, vec!["lonely", "tired"]));
    let h = crate::slip::stored::decode_head(s.id, &unhex(&flagged(SLIP_HEAD, "0100"))).unwrap();
    assert_eq!((h.day, h.risk), (values::slip().local_date(), Some(crate::safety::RiskConcern::Suicide)));
    let f = crate::checkin::stored::decode_facts(&unhex(&flagged(CHECK_IN_HEAD, "00"))).unwrap();
    assert_eq!(f.day, c.day);
    // A flag that is not one of the two, or bytes after it, are refused.
    let bad = [flagged(SLIP_HEAD, "0102"), flagged(SLIP_HEAD, "0000")];
    for head in bad {
        assert!(crate::slip::stored::decode_head(s.id, &unhex(&head)).is_err());
    }
}

/// A version byte this build does not know, a cut payload and trailing bytes are each named.
#[test]
fn unknown_cut_and_padded_payloads_are_refused() {
    use crate::error::IntegrityProblem;
    let u = values::urge();
    let mut head = unhex(URGE_HEAD);
    head[0] = 9;
    let r = decode_record::<crate::urge::Urge>(u.id, &head, None);
    assert!(matches!(r, Err(IntegrityProblem::UnknownFormat(9))));
    let head = unhex(URGE_HEAD);
    let r = decode_record::<crate::urge::Urge>(u.id, &head[..head.len() - 3], None);
    assert!(matches!(r, Err(IntegrityProblem::Undecodable)));
    let mut longer = head.clone();
    longer.push(0);
    let r = decode_record::<crate::urge::Urge>(u.id, &longer, None);
    assert!(matches!(r, Err(IntegrityProblem::Undecodable)));
    assert!(matches!(decode_record::<crate::urge::Urge>(u.id, &[], None), Err(IntegrityProblem::Undecodable)));
    let _ = RecordId::from_bytes([0; 16]);
    let _ = <crate::store::NoBody as Payload>::VERSION;
}

fn index<T: serde::Serialize>(v: T) -> u8 {
    let bytes = postcard::to_stdvec(&v).unwrap();
    assert_eq!(bytes.len(), 1, "a field-less variant is one byte");
    bytes[0]
}

fn indices<T: serde::Serialize, const N: usize>(variants: [T; N]) -> Vec<u8> {
    variants.into_iter().map(index).collect()
}

fn counting(n: u8) -> Vec<u8> {
    (0..n).collect()
}

/// Field-less enums inside payloads are stored by variant index: each keeps its index forever
/// (new variants go at the end).
#[test]
fn stored_enums_keep_their_indices() {
    use crate::exercise::{Category as Exercise, Origin, Phase};
    use crate::plan::model::StrategyKind as K;
    use crate::share::{Category as Share, ReceiptAction, ShareState};
    use crate::slip::{ChainStep as C, LinkKind as L, PlanPart, VulnerabilityFactor as V};
    use crate::surf::{ClosedBy, PointKind, SurfOutcome};
    use crate::urge::{Company, Outcome};

    assert_eq!(indices([Company::Alone, Company::WithOthers]), counting(2));
    assert_eq!(indices([Outcome::Surfed, Outcome::Coped, Outcome::Acted]), counting(3));
    assert_eq!(indices([PointKind::Start, PointKind::Prompt, PointKind::Anytime, PointKind::End]), counting(4));
    let surf = [SurfOutcome::Passed, SurfOutcome::StillStrong, SurfOutcome::UsedPlan, SurfOutcome::Acted];
    assert_eq!(indices(surf), counting(4));
    assert_eq!(indices([ClosedBy::Person, ClosedBy::Timeout]), counting(2));
    let exercise =
        [Exercise::Breathing, Exercise::Grounding, Exercise::Relaxation, Exercise::Mindfulness, Exercise::Compassion];
    assert_eq!(indices(exercise), counting(5));
    assert_eq!(indices([Origin::BuiltIn, Origin::Mine, Origin::Clinician]), counting(3));
    assert_eq!(indices([Phase::Inhale, Phase::Hold, Phase::Exhale, Phase::Rest]), counting(4));
    let factors = [
        V::Sleep,
        V::Stress,
        V::Loneliness,
        V::Substances,
        V::Hunger,
        V::Illness,
        V::Conflict,
        V::Boredom,
        V::Exhaustion,
        V::Other,
    ];
    assert_eq!(indices(factors), counting(10));
    let steps = [
        C::Vulnerabilities,
        C::PromptingEvent,
        C::Links,
        C::Consequences,
        C::Alternatives,
        C::Repair,
        C::Commitment,
        C::SelfCompassion,
    ];
    assert_eq!(indices(steps), counting(8));
    assert_eq!(indices([L::Thought, L::Feeling, L::Sensation, L::Action, L::Event]), counting(5));
    let parts =
        [PlanPart::WarningSign, PlanPart::Trigger, PlanPart::Strategy, PlanPart::EnvironmentChange, PlanPart::Reason];
    assert_eq!(indices(parts), counting(5));
    let kinds = [
        K::Delay,
        K::Distract,
        K::ReachOut,
        K::GroundOrBreathe,
        K::SurfTheUrge,
        K::ChangeEnvironment,
        K::ValuedActivity,
        K::SelfCompassion,
        K::ReasonsAndValues,
    ];
    assert_eq!(indices(kinds), counting(9));
    let categories = [
        Share::WeeklySummaries,
        Share::Urges,
        Share::Notes,
        Share::SurfWaves,
        Share::ExerciseSessions,
        Share::Slips,
        Share::CheckIns,
        Share::Goals,
        Share::CopingPlan,
    ];
    assert_eq!(indices(categories), counting(9));
    assert_eq!(indices([ShareState::Active, ShareState::Withdrawn, ShareState::Erased]), counting(3));
    assert_eq!(indices([ReceiptAction::Granted, ReceiptAction::Withdrawn]), counting(2));
    assert_eq!(indices([crate::notify::Wording::Neutral, crate::notify::Wording::Explicit]), counting(2));
    use crate::safety::RiskConcern;
    assert_eq!(indices([RiskConcern::Suicide, RiskConcern::SelfHarm]), counting(2));
}
