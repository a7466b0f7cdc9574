#!/usr/bin/env python3
"""Verifies one Standard Webhooks delivery as the specification describes it, with Python's
hmac and nothing of the server's code: exit 0 when one v1 signature matches, 1 otherwise.

Arguments: the secret (whsec_...), webhook-id, webhook-timestamp, webhook-signature, body.
"""
import base64
import hashlib
import hmac
import sys

secret, msg_id, timestamp, header, body = sys.argv[1:6]
key = base64.b64decode(secret.removeprefix("whsec_"))
signed = f"{msg_id}.{timestamp}.{body}".encode()
expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
signatures = [s.split(",", 1)[1] for s in header.split() if s.startswith("v1,")]
sys.exit(0 if any(hmac.compare_digest(s, expected) for s in signatures) else 1)
