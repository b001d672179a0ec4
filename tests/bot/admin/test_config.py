"""The configuration page: validated with check-config's model (key path and reason, nothing written on a
refusal), written atomically beside a backup, and applied to the running bot."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.admin import community_file as files
from bot.app import Application
from handlers.events import DirectMessage
from handlers.models import Identity
from tests.bot.admin.conftest import Admin, names_in, text_of, write
from tests.bot.admin.data import COMMUNITY


def version_in(html: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert found is not None
    return found.group(1)


async def fields_form(admin: Admin) -> dict[str, str]:
    """The settings form as the page fills it in."""
    _, html = await admin.get("/admin/config")
    start = html.index('id="settings"')
    form = html[start : html.index("</form>", start)]
    values = {
        m.group(1): m.group(2).replace("&#34;", '"').replace("&amp;", "&")
        for m in re.finditer(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', form)
    }
    for select in re.finditer(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', form, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        values[select.group(1)] = chosen.group(1) if chosen else ""
    for area in re.finditer(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.DOTALL):
        values[area.group(1)] = area.group(2)
    values["csrf"], values["version"] = admin.csrf, version_in(html)
    return values


async def award(app: Application, points: int) -> str:
    assert app.core is not None
    asked = DirectMessage(Identity("console", "mod"), f"AWARD @alice {points} great review")
    return (await app.core.handle_direct(asked))[0].text


async def test_a_saved_setting_is_written_backed_up_and_applied_at_once(
    admin: Admin, app: Application, folder: Path
) -> None:
    assert (await award(app, 50)).startswith("Awarded")
    form = await fields_form(admin)
    form["roles.moderators"] = "console:mod\nconsole:alice"
    form["points.max_award"] = "20"
    response = await admin.post("/admin/config", form)
    assert response.status == 303
    written = tomllib.loads(text_of(folder / "community.toml"))
    assert written["roles"]["moderators"] == ["console:mod", "console:alice"]
    assert written["points"]["max_award"] == 20
    assert written["community"]["timezone"] == "Europe/Paris"  # what the form did not change stays as it was
    assert "# The dashboard tests' community." in text_of(folder / "community.toml")
    assert text_of(folder / "community.toml.bak") == COMMUNITY
    assert not [name for name in names_in(folder) if name.endswith(".tmp")]
    # Applied without a restart: alice moderates now, and the points rules are the new ones.
    assert app.community.roles.moderators == ["console:mod", "console:alice"]
    assert app.core is not None
    replies = await app.core.handle_direct(
        DirectMessage(Identity("console", "alice"), 'POLL NEW "Tea?" | Yes | No')
    )
    assert replies[0].text.startswith("Poll #2 is open")
    assert (await award(app, 50)).startswith("At most 20 credits per award.")
    assert (await award(app, 20)).startswith("Awarded")
    _, html = await admin.get("/admin/config")
    assert "Saved and applied" in html
    assert 'id="pending"' not in html  # the file and the running bot agree


async def test_a_setting_a_feature_refuses_at_start_changes_nothing(
    admin: Admin, app: Application, folder: Path
) -> None:
    """The model takes any text as the newsletter's cron; the feature checks it when it is built. Refused
    then: the bot keeps the settings it had, and the file is put back as it was."""
    form = await fields_form(admin)
    form["points.max_award"] = "20"
    form["newsletter.cron"] = "99 99 * * *"
    response = await admin.post("/admin/config", form)
    assert response.status == 422
    html = await response.text()
    assert "the bot could not apply these settings" in html and "newsletter.cron" in html
    assert text_of(folder / "community.toml") == COMMUNITY
    assert app.community.points.max_award == 500
    assert (await award(app, 50)).startswith("Awarded")  # the previous rules, still working


async def test_a_file_edited_by_hand_is_listed_until_it_is_applied(
    admin: Admin, app: Application, folder: Path
) -> None:
    write(folder / "community.toml", COMMUNITY.replace("max_award = 500", "max_award = 30"))
    _, html = await admin.get("/admin/config")
    assert "1 setting in the file differs from what the bot runs" in html and "points.max_award" in html
    assert (await award(app, 50)).startswith("Awarded")  # not applied yet
    response = await admin.post("/admin/config", await fields_form(admin))  # saved here: applied
    assert response.status == 303
    assert (await award(app, 50)).startswith("At most 30 credits per award.")


async def test_a_wording_override_applies_at_once(admin: Admin, app: Application, folder: Path) -> None:
    _, html = await admin.get("/admin/config")
    text = text_of(folder / "community.toml")
    text += '\n[texts.en.admin]\nnav_members = "People"\n'
    response = await admin.post(
        "/admin/config/toml", {"csrf": admin.csrf, "version": version_in(html), "toml": text}
    )
    assert response.status == 303
    _, html = await admin.get("/admin/members")
    assert ">People</a>" in html


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("points.activity.daily_cap", "-4", "points.activity.daily_cap: must be >= 0"),
        ("points.activity.daily_cap", "many", "points.activity.daily_cap: write a number"),
        ("community.timezone", "Mars/Olympus", "community.timezone: unknown time zone"),
        ("roles.admins", "root", "roles.admins: 'root' is not an identity"),
    ],
)
async def test_bad_input_names_the_key_and_writes_nothing(
    admin: Admin, app: Application, folder: Path, field: str, value: str, problem: str
) -> None:
    form = await fields_form(admin)
    form[field] = value
    response = await admin.post("/admin/config", form)
    assert response.status == 422
    html = (await response.text()).replace("&#39;", "'").replace("&gt;", ">")
    assert problem in html
    assert text_of(folder / "community.toml") == COMMUNITY
    assert "community.toml.bak" not in names_in(folder)
    assert app.community.community.timezone == "Europe/Paris"


async def test_bad_toml_and_a_new_slug_are_refused(admin: Admin, folder: Path) -> None:
    _, html = await admin.get("/admin/config")
    for text, problem in (
        ("[community\nname = 1", "not valid TOML"),
        ('[community]\nslug = "other"\n', "community.slug: cannot change once the bot has run"),
        ('[texts.en.admin]\nnav_members = "{oops}"\n', "texts.en.admin.nav_members: unknown {oops}"),
        ("[nosuch]\nkey = 1\n", "nosuch: unknown key"),
    ):
        response = await admin.post(
            "/admin/config/toml", {"csrf": admin.csrf, "version": version_in(html), "toml": text}
        )
        assert response.status == 422
        assert problem in (await response.text()).replace("&#39;", "'"), problem
    assert text_of(folder / "community.toml") == COMMUNITY


async def test_a_save_over_a_file_changed_meanwhile_is_refused(admin: Admin, folder: Path) -> None:
    form = await fields_form(admin)
    write(folder / "community.toml", COMMUNITY + "\n[polls]\nvote_points = 2\n")
    form["community.name"] = "Acme Club"
    response = await admin.post("/admin/config", form)
    assert response.status == 422
    assert "The file changed since this page was opened" in (await response.text()).replace("&#39;", "'")
    assert "Acme Club" not in text_of(folder / "community.toml")


def test_the_write_is_atomic_and_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "community.toml"
    path.write_text("old = 1\n", encoding="utf-8")
    path.chmod(0o640)

    def crash(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError):
        files.write_atomically(path, "new = 2\n")
    assert path.read_text(encoding="utf-8") == "old = 1\n"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    monkeypatch.undo()
    backup = files.write_atomically(path, "new = 2\n")
    assert path.read_text(encoding="utf-8") == "new = 2\n"
    assert backup is not None and backup.read_text(encoding="utf-8") == "old = 1\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_the_form_has_a_field_for_every_value_setting_and_names_the_rest() -> None:
    from config.community import CommunityFile

    groups = {g.key: g for g in files.form(CommunityFile())}
    keys = {f.key for g in groups.values() for f in g.fields}
    assert {"community.name", "points.activity.daily_cap", "roles.admins", "polls.duration"} <= keys
    assert "shop.items" in groups["shop"].elsewhere and "levels.tiers" in groups["levels"].elsewhere
    slug = next(f for f in groups["community"].fields if f.key == "community.slug")
    assert slug.fixed
