"""Key providers written in Python for the foreign test suite.

`SoftKeystore` stands in for a platform key store (Python's standard library has no AES):
it wraps the store's data key with a random pad derived from a secret it holds
(SHA-256 in counter mode) and authenticates the blob with HMAC-SHA256, so a blob from another
keystore, or a damaged one, is refused rather than unwrapped to garbage. Test-only: a real
app uses Android Keystore / iOS Keychain (see android/ and ios/).
"""
import hashlib
import hmac
import os

from companion import KeyProvider, KeyProviderError

_VERSION = b"\x01"


class SoftKeystore(KeyProvider):
    """Wraps and unwraps like a platform key store would; counts its calls."""

    def __init__(self):
        self._secret = os.urandom(32)
        self.wraps = 0
        self.unwraps = 0

    def _pad(self, nonce, n):
        out = b""
        counter = 0
        while len(out) < n:
            out += hashlib.sha256(self._secret + nonce + counter.to_bytes(4, "big")).digest()
            counter += 1
        return out[:n]

    def _tag(self, body):
        return hmac.new(self._secret, body, hashlib.sha256).digest()

    def wrap_key(self, data_key):
        self.wraps += 1
        nonce = os.urandom(16)
        body = _VERSION + nonce + bytes(a ^ b for a, b in zip(data_key, self._pad(nonce, len(data_key))))
        return body + self._tag(body)

    def unwrap_key(self, wrapped):
        self.unwraps += 1
        body, tag = wrapped[:-32], wrapped[-32:]
        if len(wrapped) < 1 + 16 + 32 or body[:1] != _VERSION or not hmac.compare_digest(tag, self._tag(body)):
            raise KeyProviderError.Failed("this device key did not make that blob")
        nonce, sealed = body[1:17], body[17:]
        return bytes(a ^ b for a, b in zip(sealed, self._pad(nonce, len(sealed))))


class CrashingKeystore(SoftKeystore):
    """Throws an arbitrary exception (not KeyProviderError), as buggy platform code would."""

    def wrap_key(self, data_key):
        raise RuntimeError("simulated keystore crash")

    def unwrap_key(self, wrapped):
        raise RuntimeError("simulated keystore crash")


class RefusingKeystore(SoftKeystore):
    """Reports a typed failure in both directions, as a locked keystore would."""

    def wrap_key(self, data_key):
        raise KeyProviderError.Failed("the keystore is locked")

    def unwrap_key(self, wrapped):
        raise KeyProviderError.Failed("the keystore is locked")


class ForgetfulKeystore(SoftKeystore):
    """Unwraps to 32 bytes that are not the data key (a key store that lost its key)."""

    def unwrap_key(self, wrapped):
        return os.urandom(32)
