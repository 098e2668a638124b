"""What opening a PKCS#12 will cost, read from its structure before any key is derived.

Each password step of a PKCS#12 runs a key derivation whose iteration count the file itself states: the
MAC over the contents, and the encryption of each bag (the private key; usually the certificates too).
OpenSSL runs them all, however large, so `kdf_iterations` reads every count first, without the passphrase.

What it cannot see: a bag encrypted *inside* an encrypted bag, whose count only the decrypted content says;
`pfx_open` stops that by time.
"""

from asn1crypto import algos, core, pkcs12

PBMAC1 = "1.2.840.113549.1.5.14"  # RFC 9579, OpenSSL 3.4's -pbmac1_pbkdf2
MAX_NESTING = 4  # SafeContents within SafeContents; real files have none


class Pbmac1Params(core.Sequence):
    _fields = [("key_derivation_func", algos.KdfAlgorithm), ("message_auth_scheme", algos.HmacAlgorithm)]


def kdf_iterations(data: bytes) -> list[int]:
    """The iteration count of every key derivation that opening `data` runs.

    ValueError when the structure cannot be read, or uses a derivation whose count it does not state.
    """
    try:
        pfx = pkcs12.Pfx.load(data, strict=True)
        counts = _mac(pfx["mac_data"])
        for content_info in pfx.authenticated_safe:
            counts += _content(content_info)
        return counts
    except ValueError:
        raise
    except Exception as exc:  # asn1crypto raises TypeError, KeyError … for a malformed structure
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _mac(mac_data) -> list[int]:
    if isinstance(mac_data, core.Void):  # no MAC: nothing derived for it
        return []
    algorithm = mac_data["mac"]["digest_algorithm"]
    if algorithm["algorithm"].dotted == PBMAC1:
        params = Pbmac1Params.load(algorithm["parameters"].dump())
        return [_pbkdf2(params["key_derivation_func"])]
    return [mac_data["iterations"].native]


def _pbkdf2(kdf) -> int:
    if kdf["algorithm"].native != "pbkdf2":
        raise ValueError(f"unknown key derivation {kdf['algorithm'].dotted}")
    return kdf["parameters"]["iteration_count"].native


def _content(content_info) -> list[int]:
    kind = content_info["content_type"].native
    if kind == "data":
        return _bags(pkcs12.SafeContents.load(content_info["content"].native), depth=1)
    if kind == "encrypted_data":
        info = content_info["content"]["encrypted_content_info"]
        return [info["content_encryption_algorithm"].kdf_iterations]
    return []  # OpenSSL skips the other kinds (public-key privacy mode) without deriving anything


def _bags(safe_contents, *, depth: int) -> list[int]:
    if depth > MAX_NESTING:
        raise ValueError("SafeContents nested too deep")
    counts = []
    for bag in safe_contents:
        kind = bag["bag_id"].native
        if kind == "pkcs8_shrouded_key_bag":
            counts.append(bag["bag_value"]["encryption_algorithm"].kdf_iterations)
        elif kind == "safe_contents":
            counts += _bags(bag["bag_value"], depth=depth + 1)
    return counts
