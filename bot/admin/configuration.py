"""The configuration page: the community file as a form (and as TOML text), checked with the model of
`check-config`, written atomically with a backup, and applied to the running bot at once (bot/admin/live.py);
if the bot cannot apply it, the file is put back as it was and the page says why."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp_session import get_session

from bot.admin import community_file as files
from bot.admin.auth import FLASH
from bot.admin.live import waiting
from bot.admin.render import dashboard_of, render, translator
from config.problems import ConfigError

log = logging.getLogger(__name__)

LOCK = web.AppKey("config_lock", asyncio.Lock)
"""One save at a time: the version check and the write happen together."""


async def _page(
    request: web.Request,
    *,
    submitted: dict[str, str] | None = None,
    toml: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> web.Response:
    dashboard = dashboard_of(request)
    running = dashboard.community()
    text = await asyncio.to_thread(files.read, dashboard.community_file)
    broken: list[str] = []
    try:
        in_file = files.check(text, str(dashboard.community_file), running.community.slug)
    except ConfigError as error:  # edited by hand into something the bot would refuse at start
        in_file, broken = running, error.problems
    groups = files.form(in_file)
    if submitted is not None:
        groups = files.with_values(groups, submitted)
    context = {
        "groups": groups,
        "toml": text if toml is None else toml,
        "version": files.version(text),
        "problems": problems or [],
        "broken": broken,
        "pending": waiting(running, in_file),
        "path": str(dashboard.community_file),
        "exists": dashboard.community_file.exists(),
    }
    return await render(request, "config.html", "admin.config_title", context, status)


async def show(request: web.Request) -> web.Response:
    return await _page(request)


async def _save(request: web.Request, text: str, version: str) -> list[str]:
    """Check, write and apply `text`; the problems when it is refused (nothing written then)."""
    dashboard = dashboard_of(request)
    t = translator(dashboard)
    path = dashboard.community_file
    async with request.app[LOCK]:
        current = await asyncio.to_thread(files.read, path)
        if files.version(current) != version:
            return [t("admin.config_changed_meanwhile")]
        try:
            community = files.check(text, str(path), dashboard.community().community.slug)
        except ConfigError as error:
            return error.problems
        try:
            backup = await asyncio.to_thread(files.write_atomically, path, text)
        except OSError as error:
            log.error("cannot write the community file %s: %s", path, error.strerror)
            return [t("admin.config_cannot_write", path=str(path), error=str(error.strerror or error))]
        try:
            await dashboard.apply(community)
        except Exception as error:  # a feature refused it at start: the bot runs the previous settings
            log.exception("the community file saved from the dashboard could not be applied")
            await asyncio.to_thread(files.put_back, path, current)
            return [t("admin.config_not_applied", error=str(error))]
    log.info("community file %s saved from the dashboard and applied", path)
    session = await get_session(request)
    session[FLASH] = t("admin.config_saved", backup=str(backup) if backup else "–")
    return []


async def save_fields(request: web.Request) -> web.Response:
    dashboard = dashboard_of(request)
    form = await request.post()
    submitted = {key: value for key, value in form.items() if isinstance(value, str)}
    text = await asyncio.to_thread(files.read, dashboard.community_file)
    try:
        in_file = files.check(text, str(dashboard.community_file), dashboard.community().community.slug)
    except ConfigError:
        in_file = dashboard.community()
    new_text, problems = files.edited(text, files.form(in_file), submitted, translator(dashboard))
    if not problems:
        problems = await _save(request, new_text, submitted.get("version", ""))
    if problems:
        return await _page(request, submitted=submitted, problems=problems, status=422)
    raise web.HTTPSeeOther(str(request.app.router["config"].url_for()))


async def save_toml(request: web.Request) -> web.Response:
    form = await request.post()
    text = form.get("toml")
    version = form.get("version")
    if not isinstance(text, str) or not isinstance(version, str):
        raise web.HTTPBadRequest()
    text = text.replace("\r\n", "\n")
    problems = await _save(request, text, version)
    if problems:
        return await _page(request, toml=text, problems=problems, status=422)
    raise web.HTTPSeeOther(str(request.app.router["config"].url_for()))
