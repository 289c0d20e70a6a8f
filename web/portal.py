"""One portal process for every province of the installation (``cchc serve`` with a registry): each province's
portal is ``web.app.create_app`` with its own store, data folder and cookie key, mounted under its key
(``/ninh-thuan/…``); the root lists the provinces and answers the health check for all of their stores.

``create_portal()`` is the factory uvicorn runs in every worker: it reads the registry (``tinh.yaml`` or the
file ``CCHC_PROVINCES`` names) as the command did.

Each province keeps apart what identifies a person: its cookies are sent on its own prefix only, and they are
signed with a key of its own (derived from ``CCHC_SECRET_KEY`` and the province's key when that is set, else
kept in the province's data folder), so a session or a form token of one province is nothing in another."""

from __future__ import annotations

import hashlib
import hmac
import os
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine, text
from starlette.routing import Mount

from office.errors import Refused
from office.provinces import RESERVED, Province, load, registry_path
from store import dossier_data
from web.app import HERE, Settings, create_app, local_redirect, secured
from web.security import load_secret


def province_secret(province: Province) -> str:
    """The key that signs this province's cookies: one of its own, never another province's."""
    if shared := os.environ.get("CCHC_SECRET_KEY"):
        return hmac.new(shared.encode(), b"tinh:" + province.key.encode(), hashlib.sha256).hexdigest()
    return load_secret(province.data_dir)  # made once in the province's data folder


def create_portal(provinces: dict[str, Province] | None = None, settings: Settings | None = None,
                  engines: dict[str, Engine] | None = None) -> FastAPI:
    """The portal of ``provinces`` (default: the registry's), each under ``/<key>/``. ``settings`` are shared
    (https, session length, upload limit); each province gets its own data folder and key. ``engines``: stores
    already open, by key (else each province's database is opened and brought up to date)."""
    provinces = load() if provinces is None else provinces
    if not provinces:
        raise Refused(f"chưa có tỉnh nào trong {registry_path()} (thêm bằng «cchc tinh add KEY --ten …»)",
                      field="--tinh")
    taken = sorted(set(provinces) & RESERVED)  # (the registry refuses them too)
    if taken:
        raise Refused(f"mã tỉnh «{taken[0]}» trùng một địa chỉ của cổng ({', '.join(sorted(RESERVED))})", field="--tinh")
    shared = settings or Settings.from_env()
    engines = dict(engines or {})
    apps = {}
    for key, province in provinces.items():
        if key not in engines:
            from store.db import make_engine, upgrade

            engines[key] = make_engine(province.database_url)
            upgrade(engines[key])
        # its dossiers under its own data folder too (uploaded through the portal), not the process's one
        dossier_data.place(engines[key], Path(province.data_dir))
        own = replace(shared, database_url=province.database_url, data_dir=Path(province.data_dir),
                      secret_key=province_secret(province))
        apps[key] = create_app(engines[key], own)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with AsyncExitStack() as stack:  # each province's own start (its published results read ahead)
            for sub in apps.values():
                await stack.enter_async_context(sub.router.lifespan_context(sub))
            yield

    portal = FastAPI(title="Cổng CCHC", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    portal.state.provinces, portal.state.engines, portal.state.apps = provinces, engines, apps
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True

    @portal.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        local_redirect(request, response)  # the root's own («/tinh-a» → «/tinh-a/»)
        secured(response)
        return response

    @portal.get("/")
    def landing(request: Request):
        response = templates.TemplateResponse(request, "provinces.html", {"provinces": list(provinces.values())})
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    @portal.get("/suc-khoe")
    @portal.get("/health")
    def health():
        """Every province's store answers, or 503 naming those that do not."""
        found, ok = {}, True
        for key, engine in engines.items():
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                found[key] = "tot"
            except Exception as e:  # noqa: BLE001 - a store down is this check's answer, not its failure
                found[key], ok = f"loi: {type(e).__name__}", False
        return JSONResponse({"trang_thai": "tot" if ok else "loi", "tinh": found,
                             "luc": datetime.now().isoformat(timespec="seconds")}, status_code=200 if ok else 503)

    portal.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for key, app in apps.items():
        portal.router.routes.append(Mount(f"/{key}", app=app, name=f"tinh-{key}"))
    return portal


__all__ = ["create_portal", "province_secret"]
