"""The console demos in French and Italian, through the real `communitybot console` process: the
community's language for everyone, a member's own choice for them only, localized keywords, plurals,
numbers and dates as each language writes them."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli_helpers import run_demo
from tests.conftest import ROOT


def demo(tmp_path: Path, name: str) -> str:
    """The demo's output with French typography's narrow and non-breaking spaces read as spaces."""
    out = run_demo(tmp_path, ROOT / "docs", name).stdout
    assert "\xa0!" in out or "\xa0:" in out or not name.endswith(".fr")  # French spacing is kept
    return out.replace("\xa0", " ").replace("\u202f", " ")


def test_the_points_demo_in_french(tmp_path: Path) -> None:
    out = demo(tmp_path, "points-demo.fr")
    assert "[to bob] Tu as remercié @alice (+3). Il te reste 1 merci sur 2 aujourd’hui." in out
    assert "[to bob] Tu ne peux pas te remercier toi-même." in out
    assert "[#announcements] 🎉 @alice passe au niveau Fidèle !" in out  # a default level name, translated
    assert "[to alice] Top 10 — depuis toujours (crédits gagnés)\n  1. @alice 11" in out
    assert "· mar. 1 déc. à " in out  # HISTORY's times, as French writes them
    assert "Ton code : ACME15-7QK2" in out
    assert "[to carol] 15 % de remise coûte 5 crédits ; tu en as 3." in out
    assert "[to mod] L’opération #7 a déjà été annulée par #9." in out
    assert "0 tâche planifiée exécutée" in out  # 0 is singular in French
    # carol chooses English for herself; the channel posts stay in the community's French
    assert "[to carol] Done: I will write to you in English from now on." in out
    assert "[to carol] @carol: 3 credits (3 earned in all)" in out
    assert "  TOP [month] — the top 10 members, all-time or this month" in out


def test_the_points_demo_in_italian(tmp_path: Path) -> None:
    out = demo(tmp_path, "points-demo.it")
    assert "[to bob] Hai ringraziato @alice (+3). Ti resta 1 grazie su 2 per oggi." in out
    assert "[#announcements] 🎉 @alice raggiunge il livello Fedele!" in out
    assert "[to alice] @alice: 11 crediti (11 guadagnati in tutto)" in out
    assert "· mar 1 dic alle " in out
    assert "[to carol] Sconto del 15% costa 5 crediti; tu ne hai 3." in out
    assert "0 attività pianificate eseguite" in out  # 0 is plural in Italian
    # carol chooses French; AIDE, a French keyword, works for her as for anyone
    assert "[to carol] @carol : 3 crédits" in out
    assert "CLASSEMENT [month]" in out


def test_the_onboarding_demo_in_french(tmp_path: Path) -> None:
    out = demo(tmp_path, "onboarding-demo.fr")
    assert (
        "[to alice] Bienvenue dans Les Amis d'Acme, alice ! Envoie AIDE pour voir ce que tu peux faire."
        in out
    )
    assert "  Envoie ACCEPTER pour valider ces règles et participer." in out
    assert "[to alice] Merci, alice : te voilà membre !" in out
    assert "[#introductions] Voici @alice (alice) : « J'anime l'atelier céramique" in out
    assert "[to alice] @bob a rejoint Les Amis d'Acme grâce à toi : +50 crédits. Merci !" in out
    assert "[to bob] Ta présentation sera : « Je suis venu parce que ma sœur" in out
    assert "[to erin] erin, tu n’as pas encore accepté les règles : envoie ACCEPTER pour participer." in out


def test_the_onboarding_demo_in_italian(tmp_path: Path) -> None:
    out = demo(tmp_path, "onboarding-demo.it")
    assert (
        "[to alice] Benvenuto" in out
        or "[to alice] Benvenuta" in out
        or "[to alice] Ti diamo il benvenuto" in out
    )
    assert "ACCETTO" in out
    assert "[#introductions]" in out and "Tengo il laboratorio di ceramica del martedì" in out
    assert "+50 crediti" in out
    assert "[to erin]" in out
