"""gunicorn's access log without the reporters: `--logger-class xuncha.accesslog.PrivateAccessLogger`.

The public pages and the public API must leave no trace of who reported (docs/deploy.md): this logger
writes every access line without the client's address (REMOTE_ADDR, X-Forwarded-For, X-Real-IP) and
with a receipt code in a path replaced by "****", whatever --access-logformat asks for.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from xuncha.logfilters import mask

HIDDEN = ("h", "{x-forwarded-for}i", "{x-real-ip}i", "{forwarded}i", "{remote_addr}e", "{http_x_forwarded_for}e",
          "{http_x_real_ip}e", "{http_forwarded}e")


def private_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    for key in HIDDEN:
        if key in atoms:
            atoms[key] = "-"
    for key in ("r", "U", "{raw_uri}e", "{path_info}e", "{request_uri}e"):
        if isinstance(atoms.get(key), str):
            atoms[key] = mask(atoms[key])
    return atoms


class PrivateAccessLogger(Logger):  # type: ignore[misc]  # gunicorn has no type information
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        return private_atoms(super().atoms(resp, req, environ, request_time))
