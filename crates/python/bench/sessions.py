"""Deterministic Flask sessions of mixed types, sized by their tagged JSON."""

from __future__ import annotations

import base64
import random
import uuid
from datetime import datetime, timezone

from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup

SER = TaggedJSONSerializer()


def _token(rng: random.Random, n: int) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(8 * n).to_bytes(n, "big")).decode().rstrip("=")


def _words(rng: random.Random, n: int) -> str:
    vocab = ["alpha", "beta", "gamma", "delta", "caf\u00e9", "na\u00efve", "\u2603", "\U0001f600",
             "cart", "item", "quantity", "blue", "large", "order", "step", "form"]
    return " ".join(rng.choice(vocab) for _ in range(n))


def make_session(target: int, seed: int = 7) -> dict:
    """A session whose Flask tagged JSON is about `target` bytes: an OIDC-ish login, a cart,
    a multi-step form, and every type Flask's tagged JSON knows."""
    rng = random.Random(seed)
    s: dict = {
        "_permanent": True,
        "user_id": 123456,
        "name": "Ad\u00e1 Lovelace",
        "csrf_token": _token(rng, 20),
        "login_at": datetime(2026, 11, 30, 12, 34, 56, tzinfo=timezone.utc),
        "device": uuid.UUID(int=rng.getrandbits(128)),
        "flags": {"beta": True, "admin": False, "theme": None},
        "ratio": 0.1 + 0.2,
        "big": 2**100 + 7,
        "pair": (1, "two", 3.5),
        "raw": bytes(rng.getrandbits(8) for _ in range(16)),
        "banner": Markup("<b>Welcome</b> &amp; enjoy"),
        "nested": {" t": "not a tuple"},
        "inf": float("inf"),
    }
    i = 0
    while len(SER.dumps(s)) < target:
        kind = i % 3
        if kind == 0:
            s.setdefault("tokens", []).append({
                "idp": f"idp{i}",
                "access_token": _token(rng, rng.randint(40, 120)),
                "expires_at": 1_790_000_000 + i,
                "scopes": ["openid", "profile", "email"],
                "issued": datetime(2026, 1, 1 + i % 28, tzinfo=timezone.utc),
            })
        elif kind == 1:
            s.setdefault("cart", []).append({
                "sku": f"SKU-{rng.randint(1000, 9999)}",
                "qty": rng.randint(1, 5),
                "price": round(rng.uniform(1, 200), 2),
                "options": (rng.choice(["red", "blue"]), rng.choice(["S", "M", "L"])),
                "id": uuid.UUID(int=rng.getrandbits(128)),
            })
        else:
            s.setdefault("form", {})[f"field_{i}"] = _words(rng, rng.randint(3, 12))
        i += 1
    return s
