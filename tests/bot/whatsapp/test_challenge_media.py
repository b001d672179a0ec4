"""A challenge submission from WhatsApp with a photo: Twilio's media URL is fetched with the account's
credentials, kept in the media store before the command runs, and its key stored with the submission."""

from __future__ import annotations

import hashlib

from tests.bot.whatsapp.conftest import ANA, WhatsAppHarness

MOD = "whatsapp:+15550009999"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"mug" * 1000


async def test_a_photo_sent_on_whatsapp_is_kept_with_the_submission(wa: WhatsAppHarness) -> None:
    assert await wa.say("JOIN") == 200
    assert await wa.say('CHALLENGE NEW "Best mug photo" | Show us your mug | 3d', sender=MOD) == 200
    sid = "SM" + "ab" * 16
    form = wa.form("SUBMIT 1 My mug at sunrise", sid=sid)
    form.update(
        NumMedia="1", MediaUrl0=wa.fake.media_url(sid, PHOTO, "image/png"), MediaContentType0="image/png"
    )
    status, _ = await wa.post("/twilio/whatsapp", form)
    assert status == 200
    await wa.flush()
    assert wa.bodies(ANA)[-1].startswith("Your submission #1 to challenge #1 is in")
    rows = await wa.store.db.fetch_all("SELECT media_key, content_type, size FROM challenge_media")
    key = hashlib.sha256(PHOTO).hexdigest() + ".png"
    assert [tuple(r) for r in rows] == [(key, "image/png", len(PHOTO))]
    assert (wa.store.db.path.parent / "media" / key).read_bytes() == PHOTO


async def test_a_file_of_a_refused_type_refuses_the_submission(wa: WhatsAppHarness) -> None:
    assert await wa.say("JOIN") == 200
    assert await wa.say('CHALLENGE NEW "Best mug photo" | Show us your mug | 3d', sender=MOD) == 200
    sid = "SM" + "cd" * 16
    form = wa.form("SUBMIT 1 My notes", sid=sid)
    url = wa.fake.media_url(sid, b"%PDF-1.4", "application/pdf")
    form.update(NumMedia="1", MediaUrl0=url, MediaContentType0="application/pdf")
    await wa.post("/twilio/whatsapp", form)
    await wa.flush()
    assert wa.bodies(ANA)[-1].startswith("That kind of file is not taken here: send image/jpeg")
    row = await wa.store.db.fetch_one("SELECT count(*) FROM challenge_submissions")
    assert row is not None and row[0] == 0
