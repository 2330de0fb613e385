#!/usr/bin/env python3
"""Known-answer vectors for polar-api's webhook verification.

Computes Standard Webhooks signatures with nothing but Python's standard
library (hmac, hashlib, base64), independently of the Rust code under test,
and writes them to webhook_vectors.json beside this script. Every input is
made up here; rerunning the script reproduces the file byte for byte.

    python3 polar-api/tests/data/make_vectors.py

The signed content is b"{id}.{timestamp}." followed by the raw body, the MAC
is HMAC-SHA256, and the header entry is "v1," + base64 (standard alphabet,
padded) of the MAC. The key depends on the kind of secret:

* legacy ("polar_whs_..." and the older 43-character "whsec_..." secrets):
  the UTF-8 bytes of the whole secret string, prefix included;
* standard (secrets created since 2026-09-08): the base64 decoding of what
  follows "whsec_".
"""

import base64
import hashlib
import hmac
import json
import os


def made_up_key(label):
    """32 deterministic bytes standing in for a server-generated key."""
    return hashlib.sha256(b"polar-rs webhook vector key: " + label.encode()).digest()


def legacy_key(secret):
    return secret.encode("utf-8")


def standard_key(secret):
    assert secret.startswith("whsec_")
    encoded = secret[len("whsec_"):]
    encoded += "=" * (-len(encoded) % 4)
    return base64.b64decode(encoded, validate=True)


def sign(key, msg_id, timestamp, body):
    content = f"{msg_id}.{timestamp}.".encode("utf-8") + body.encode("utf-8")
    mac = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


# A body with irregular spacing, non-ASCII text and a trailing newline: any
# re-serialisation before verifying would change the bytes and fail.
ORDER_BODY = (
    '{"type": "order.paid",  "timestamp":"2026-10-01T12:00:00Z",'
    '"data":{"id":"0b7e5d2a-1111-4c3e-9d11-5a0000000001","note":"caf\u00e9 \u2013 \u20ac5"}}\n'
)
SUBSCRIPTION_BODY = (
    '{"type":"subscription.updated","timestamp":"2026-11-02T08:30:15.123456Z",'
    '"data":{"id":"sub-made-up-7","status":"active"}}'
)
UNKNOWN_BODY = '{"type":"widget.frobnicated","timestamp":"2026-12-24T23:59:59Z","data":{}}'

standard_padded_secret = "whsec_" + base64.b64encode(made_up_key("standard padded")).decode("ascii")
standard_unpadded_secret = "whsec_" + base64.b64encode(made_up_key("standard unpadded")).decode("ascii").rstrip("=")

CASES = [
    # (name, secret, derivation, msg_id, timestamp, body)
    (
        "legacy polar_whs_ secret",
        "polar_whs_kQ3vT9pLr2XmWc8NbZa5HyEu7JdFs4Go",
        "legacy",
        "msg_2vQkT0LegacyPolarWhs",
        1790000000,
        ORDER_BODY,
    ),
    (
        "legacy 43-character whsec_ secret with URL-safe characters",
        "whsec_Rm7-Kp2_xWq9ZtLb4Nv8Hc1Js6Df3Ga0Ye5Uo2TiMz8",
        "legacy",
        "msg_2vQkT1LegacyWhsecUrlSafe",
        1790000123,
        SUBSCRIPTION_BODY,
    ),
    (
        "legacy 43-character whsec_ secret that is also valid base64",
        "whsec_Pm4Tq8Wz2Lc6Vb1Nx9Hr5Kd3Jf7Gs0Ya4Ue8Io2RoXw",
        "legacy",
        "msg_2vQkT2LegacyWhsecAmbiguous",
        1790000456,
        ORDER_BODY,
    ),
    (
        "standard whsec_ secret, padded",
        standard_padded_secret,
        "standard",
        "msg_2vQkT3StandardPadded",
        1790000789,
        ORDER_BODY,
    ),
    (
        "standard whsec_ secret, unpadded",
        standard_unpadded_secret,
        "standard",
        "msg_2vQkT4StandardUnpadded",
        1790001000,
        UNKNOWN_BODY,
    ),
]


def check_inputs():
    """The cases are what their names say."""
    by_name = {case[0]: case[1] for case in CASES}
    url_safe = by_name["legacy 43-character whsec_ secret with URL-safe characters"]
    ambiguous = by_name["legacy 43-character whsec_ secret that is also valid base64"]
    assert len(url_safe) == len("whsec_") + 43 and ("-" in url_safe or "_" in url_safe[6:])
    assert len(ambiguous) == len("whsec_") + 43
    # Decodes as strict base64 to 32 bytes, yet Polar keys it by the string.
    assert len(standard_key(ambiguous)) == 32
    assert len(standard_padded_secret) == len("whsec_") + 44
    assert len(standard_unpadded_secret) == len("whsec_") + 43


def main():
    check_inputs()
    vectors = []
    for name, secret, derivation, msg_id, timestamp, body in CASES:
        if derivation == "legacy":
            key = legacy_key(secret)
        else:
            key = standard_key(secret)
        vectors.append(
            {
                "name": name,
                "secret": secret,
                "derivation": derivation,
                "key_hex": key.hex(),
                "msg_id": msg_id,
                "timestamp": timestamp,
                "body": body,
                "signature": sign(key, msg_id, timestamp, body),
            }
        )
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "webhook_vectors.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"generated_by": "make_vectors.py", "vectors": vectors}, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
