"""One-off import of the research tables into the curated data files under data/curated/.

    python scripts/import_reference.py REFERENCE_DIR [--located FOUND.csv ...]

REFERENCE_DIR holds the research notes (settlements-2020.csv and announcements-2020.md). The curated files
this writes (sources.csv, settlements.csv, events.csv) are then the project's own data: they are edited by
hand from here on and checked by `python -m geo build`; this script is kept to show how they were first made.
Its rules (which remark of the research table becomes which event) are the comments below.
`--located` adds coordinates found later (columns id, lat, lon, coord_source, precision, evidence).
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "curated"
MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}

# Sources named by the event rules below, beyond the announcement sources of the research table.
EXTRA_SOURCES = [
    ("pm_am_statement", "Office of the Prime Minister of Armenia", "2020-11-10",
     "Statement by the Prime Minister of Armenia, the President of Azerbaijan and the President of Russia",
     "https://www.primeminister.am/en/press-release/item/2020/11/10/Announcement/%20%20%20%20%20%20%20%20%20statement"),
    ("az_mfa_statement", "Ministry of Foreign Affairs of Azerbaijan (embassy in Belgrade)", "2020-11-10",
     "Statement by the President of Azerbaijan, the Prime Minister of Armenia and the President of Russia",
     "https://belgrade.mfa.gov.az/en/news/statement-by-the-president-of-the-republic-of-azerbaijan-the-prime-minister-of-the-republic-of-armenia-and-the-president-of-the-russian-federation-enru"),
    ("jam_kalbajar_postponed", "JAMnews", "2020-11-15", "Kalbajar handover postponed to 25 November",
     "https://jam-news.net/trilateral-agreement-kelbajar-region-postponement-of-november-25-azerbaijan-news/"),
    ("jam_kalbajar_handover", "JAMnews", "2020-11-25", "Azerbaijani army enters Kalbajar district",
     "https://jam-news.net/kelbajar-region-karabakh-news-war-transmission-armenia-azerbaijan/"),
    ("artsakhinfo_agdam", "artsakhinfo.am", "2020-11-20", "Azerbaijani troops enter Akna (Agdam)",
     "https://artsakhinfo.am/en/a/adrbejani-zinvats-vouzhern-aknayvoum-en"),
    ("azertag_lachin_video", "AZERTAC (video)", "2020-12-01", "Azerbaijani army enters Lachin district",
     "https://video.azertag.az/en/video/185530"),
    ("visir_lachin", "Vísir", "2020-12-01", "Armenia hands over the third and last district to Azerbaijan",
     "http://varnish-7.visir.is/g/20202043965d/armenar-skila-thridja-og-sidasta-landsvaedinu-til-asera"),
    ("tass_pk_15nov", "TASS", "2020-11-15", "Russian peacekeepers set up observation posts in Nagorno-Karabakh",
     "https://tass.com/defense/1223893"),
    ("nakhchivantoday_pk", "Nakhchivan Today", "2020-11-10", "Russian peacekeepers head to Karabakh",
     "https://nakhchivantoday.com/russian-peacekeepers-head-to-karabakh/"),
    ("wp_peacekeeping", "Wikipedia (encycloreader copy)", "", "Peacekeeping operations in Nagorno-Karabakh",
     "https://encycloreader.org/r/wikipedia.php?q=Peacekeeping_operations_in_Nagorno-Karabakh"),
    ("sputnik_am_corridor", "Sputnik Armenia", "2020-12-01", "Berdzor, Aghavno and Sus inside the corridor",
     "https://arm.sputniknews.ru/20201201/berdzor-anoroshutyun-lusankarner-25582046.html"),
    ("armenews_list", "Nouvelles d'Arménie (armenews.com)", "2020-12", "List of the 121 communities lost",
     "https://www.armenews.com/spip.php?page=article&id_article=72405"),
    ("realkarabakh_lost", "realkarabakh.com", "", "The Occupied Territories of Artsakh",
     "http://realkarabakh.com/en/occupation/"),
    ("hyetert_hadrut", "Hyetert", "2020-10-09", "Artsakh denies Azerbaijani claims on capturing Hadrut as nonsense",
     "https://hyetert.org/2020/10/09/artsakh-denies-azerbaijani-claims-on-capturing-hadrut-as-nonsense/"),
    ("southfront_hadrut", "SouthFront", "2020-10-10", "Videos from Hadrut debunk the claim that the town is held",
     "https://southfront.org/videos-from-hadrut-debunk-azerbaijani-presidents-claim-that-town-is-under-control-of-his-forces/"),
    ("isw_hadrut", "IswNews", "2020-10-10", "Armenia denied Azerbaijan's control over Hadrut",
     "https://english.iswnews.com/15685/armenia-denied-azerbaijan-control-over-hadrut/"),
    ("wp_battle_hadrut", "Wikipedia (wikisum copy)", "", "Battle of Hadrut",
     "https://wikisum.wiki/wiki/Battle_of_Hadrut"),
    ("unian_shusha", "UNIAN", "2020-11-08", "Aliyev says key city of Shusha captured",
     "https://www.unian.info/world/nagorno-karabakh-aliyev-says-key-city-of-shusha-captured-11211161.html"),
    ("wp_battle_shusha", "Wikipedia (wikimili copy)", "", "Battle of Shusha (2020)",
     "https://wikimili.com/en/Battle_of_Shusha_(2020)"),
    ("lenta_denial", "Lenta.ru", "2020-10-03", "Aliyev on seven more villages (with Armenia's denial)",
     "https://lenta.ru/news/2020/10/03/7sel/amp"),
    ("newsam_605987", "news.am", "2020-09-27", "Armenian side rejects the claims of 27 September",
     "https://news.am/eng/news/605987.html"),
    ("menafn_shushakend", "MENAFN (Trend)", "2023-12-20", "Aliyev visits Shushakend village of Khojaly district",
     "https://menafn.com/1107634235/President-Ilham-Aliyev-First-Lady-Mehriban-Aliyeva-Visit-Shushakend-Village-Of-Khojaly-District-PHOTO"),
    ("azernews_247403", "Azernews", "2025", "Shushakend (2025 report)", "https://www.azernews.az/nation/247403.html"),
    ("wikial_muxtar", "Wikipedia (de, wikial copy)", "", "Muxtar", "https://de.wikial.top/wiki/Muxtar"),
    ("civilnet_taghavard", "CivilNet (armenianclub.com copy)", "2020-12-08",
     "The tombstones of our relatives remain on the Azerbaijani side",
     "https://armenianclub.com/2020/12/08/civilnet-the-tombstones-of-our-relatives-remain-on-the-azerbaijani-side"),
    ("artsakhpress_142182", "Artsakhpress", "2021-04", "Taghavard after the war", "https://www.artsakhpress.am/eng/news/142182/"),
    ("azatutyun_31004105", "Azatutyun (RFE/RL)", "2020-12-16", "Hin Tagher and Khtsaberd: dozens captured",
     "https://www.azatutyun.am/a/31004105.html"),
    ("newsam_618778", "news.am", "2020-12-14", "Pashinyan: Azerbaijani units took control of the two villages",
     "https://news.am/eng/news/618778.html"),
    ("wp_caylaqqala", "Wikipedia (wikizero copy)", "", "Çaylaqqala", "https://wikizero.net/wiki/en/%C3%87aylaqqala"),
    ("newsam_619591", "news.am", "2020-12-18", "Armenian troops pull back on the Syunik border",
     "https://news.am/eng/news/619591.html"),
    ("hyetert_goris_kapan", "Hyetert", "2020-12-19", "21 km of the Goris-Kapan highway pass through disputed area",
     "https://hyetert.org/2020/12/19/21-km-section-of-goris-kapan-highway-passes-through-disputed-area-armenian-defense-ministry/"),
    ("gagrule_nor", "Gagrule", "2020-11-20", "Seven villages of Artsakh's Martakert region pass under Azerbaijani control",
     "https://gagrule.net/seven-villages-of-artsakhs-martakert-region-pass-under-azerbaijan-control/"),
    ("zefer_30oct", "zefer.az", "", "30 October (the day's announcements)", "https://zefer.az/en/30-october"),
    ("abc_81047", "abc.az", "2021-10-04", "Liberation of these villages on the first day of war gave us strength",
     "http://abc.az/en/news/81047"),
    ("wp_dashalty", "Wikipedia (IPFS copy)", "", "Dashalty", "https://en.wikipedia-on-ipfs.org/wiki/Dashalty"),
    ("oxu24_akend", "oxu24.com (Sputnik Armenia)", "2020-12-18", "Akend under Azerbaijani control",
     "https://oxu24.com/az/qarabag/44580/akend-azerbaycanin-nezaretine"),
    ("wp_stepanakert", "Wikipedia (kiwix copy)", "2024-01", "Stepanakert",
     "https://kiwix.haohe.fun/content/wikipedia_en_all_maxi_2024-01/A/Khankandi"),
    ("wp_hadrut", "Wikipedia (IPFS copy)", "", "Hadrut (town)",
     "https://ipfs.desmos.network/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco/wiki/Hadrut_(town).html"),
    ("wp_martakert", "Wikipedia (IPFS copy)", "", "Martakert",
     "https://en-wikipedia--on--ipfs-org.ipns.dweb.link/wiki/Martakert"),
    ("azatutyun_30966983", "Azatutyun (RFE/RL)", "2020-11-24", "Putin Again Talks To Armenian, Azeri Leaders",
     "https://azatutyun.am/amp/30966983.html"),
    ("bignews_24nov", "Big News Network (RFE/RL)", "2020-11-24",
     "Putin Discusses Nagorno-Karabakh With Armenian, Azerbaijani Leaders",
     "https://www.bignewsnetwork.com/news/267077442/putin-discusses-nagorno-karabakh-with-armenian-azerbaijani-leaders"),
    ("agenzianova_24nov", "Agenzia Nova", "2020-11-24",
     "Nagorno-Karabakh: Putin a confronto con Aliyev e Pashinyan su missione di peacekeeping",
     "https://www.agenzianova.com/a/600a108ed3c896.04371799/3205003/2020-11-24/nagorno-karabakh-putin-a-confronto-con-aliyev-e-pashinyan-su-missione-di-peacekeeping"),
    ("armenews_72468", "Nouvelles d'Arménie (armenews.com)", "2020-11",
     "Poutine au téléphone avec Pachinian et Aliev les 23 et 24 novembre",
     "https://www.armenews.com/spip.php?page=article&id_article=72468"),
    ("cgtn_20nov", "CGTN", "2020-11-21", "Putin praises Russian peacekeepers' role in ending bloodshed in Nagorno-Karabakh",
     "https://news.cgtn.com/news/2020-11-21/Putin-praises-Russian-peacekeeping-mission-in-Nagorno-Karabakh--VAUrxsaJ56/index.html"),
    ("newsru_21dec", "NEWS.ru", "2020-12-21", "Putin says Russian peacekeepers guarantee security in Karabakh",
     "https://en.news.ru/politics/putin-says-russian-peacekeepers-guarantee-security-in-karabakh/"),
    ("tass_27sep", "TASS", "2020-09-27", "Report on the fighting that began on 27 September", "https://tass.com/world/1506677"),
    ("sputnik_2023_history", "Sputnik", "2023-09-20",
     "Russian peacekeepers actively working with all parties (with the conflict's history since 1923)",
     "https://sputnikglobe.com/20230920/russian-peacekeepers-actively-working-with-all-parties-involved-in-nagorno-karabakh-conflict---1113521015.html"),
    ("apa_point7", "APA", "2021-12-30", "Russian MFA comments on the return of former Azerbaijani IDPs (statement point 7)",
     "https://en.apa.az/foreign-policy/russian-mfa-comments-on-return-process-of-former-azerbaijani-idps-364994"),
    ("natural_earth", "Natural Earth", "", "1:10m cultural vectors (admin-0, states and provinces, disputed areas)",
     "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"),
    ("geonames", "GeoNames", "", "cities500 with alternate names (CC BY 4.0)", "https://www.geonames.org/"),
]


# Dated changes of the map's features drawn per district or by hand (not per settlement).
FEATURE_EVENTS = [
    ("ceded_agdam", "2020-11-10", "scheduled", "statement point 2", "pm_am_statement;az_mfa_statement",
     "scheduled: to be handed over by 20 Nov (statement point 2)", "armenian_forces"),
    ("ceded_agdam", "2020-11-20", "handed_over", "Azerbaijani army", "artsakhinfo_agdam;gagrule_nor",
     "handed over: the Azerbaijani army entered the district", "azerbaijan"),
    ("ceded_kalbajar", "2020-11-10", "scheduled", "statement point 6", "pm_am_statement;az_mfa_statement",
     "scheduled: to be handed over by 15 Nov (statement point 6)", "armenian_forces"),
    ("ceded_kalbajar", "2020-11-15", "deadline_moved", "Azerbaijan, at Armenia's request", "jam_kalbajar_postponed",
     "scheduled: deadline moved to 25 Nov at Armenia's request", "armenian_forces"),
    ("ceded_kalbajar", "2020-11-25", "handed_over", "Azerbaijani army", "jam_kalbajar_handover",
     "handed over: the Azerbaijani army entered the district", "azerbaijan"),
    ("ceded_lachin", "2020-11-10", "scheduled", "statement point 6", "pm_am_statement;az_mfa_statement",
     "scheduled: to be handed over by 1 Dec (statement point 6)", "armenian_forces"),
    ("ceded_lachin", "2020-12-01", "handed_over", "Azerbaijani army", "azertag_lachin_video;visir_lachin",
     "handed over: the Azerbaijani army entered the district", "azerbaijan"),
    ("peacekeeping_zone", "2020-11-10", "deployed", "Russian Ministry of Defence", "pm_am_statement;nakhchivantoday_pk",
     "peacekeepers deploying (airlift from 10 Nov)", "armenian_forces"),
    ("peacekeeping_zone", "2020-11-15", "deployed", "Russian Ministry of Defence", "tass_pk_15nov",
     "deployed: 9 observation posts in the south, 9 in the north, 7 temporary posts on the corridor", "armenian_forces"),
    ("lachin_corridor", "2020-11-10", "deployed", "statement point 6", "pm_am_statement;sputnik_am_corridor",
     "under Russian peacekeepers (statement point 6)", ""),
    ("nakhchivan_link", "2020-11-10", "agreed", "statement point 9", "pm_am_statement",
     "agreed in principle: Armenia guarantees the link, Russia's FSB Border Guard controls it", ""),
    ("new_corridor_route", "2020-11-10", "agreed", "statement point 6", "pm_am_statement",
     "to be agreed by the Parties by Nov 2023 (statement point 6)", ""),
]


def parse_source_table(md: str) -> list[tuple]:
    """Section 5.1 of announcements-2020.md: | code | Outlet: title (date) | address |."""
    section = md.split("### 5.1", 1)[1].split("### 5.2", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[2].startswith("http"):
            continue
        code, text, url = cells
        outlet, _, title = text.partition(":")
        published = ""
        match = re.search(r"\((?:[^()]*?)(\d{1,2}) (\w{3}) (\d{4})\)\s*$", title)
        if match and match.group(2) in MONTHS:
            published = f"{match.group(3)}-{MONTHS[match.group(2)]:02d}-{int(match.group(1)):02d}"
        else:
            year = re.search(r"\((\d{4})\)\s*$", title)
            published = year.group(1) if year else ""
        title = re.sub(r"\s*\([^()]*\)\s*$", "", title).strip() or outlet
        rows.append((code, outlet.strip(), published, title, url))
    return rows


def split_coord_source(text: str) -> tuple[str, str]:
    match = re.search(r"https?://\S+", text)
    if not match:
        return "", ""
    url = match.group(0).rstrip(",;)")
    title = text[:match.start()].strip(" —-,[]")
    title = re.sub(r"\s+", " ", title) or url.split("/")[2]
    return url, title


def classify_unannounced(text: str) -> str:
    """The research table's status_10nov remark as one of the event rules."""
    t = text.lower()
    if t.startswith("armenia (outside"):
        return "outside"
    if t.startswith(("azerbaijani before 2020", "azerbaijani since jan 1994")):
        return "az_before"
    if t.startswith("did not exist in 2020"):
        return "skip"
    if "kapan municipality" in t:
        return "left_18dec"
    if "handed over 25 nov" in t and "stay" not in t:
        return "kalbajar"
    if "handover list" in t:
        return "stayed_held"
    if t.startswith(("stayed armenian-held", "in russian peacekeeping zone", "inside the 5 km lachin corridor")):
        return "stayed_held"
    if t.startswith("taken 12 dec 2020"):
        return "taken_12dec"
    if t.startswith("announced 30 oct 2020"):
        return "announced_30oct"
    if t.startswith("lost in fighting per armenian list"):
        return "undated_admitted"
    if "sources read do not say" in t:
        return "unknown"
    if "pull-back" in t or "pulled back" in t or "syunik border" in t or "border strip" in t \
            or "generic paragraph" in t or "goris–kapan" in t or "goris-kapan" in t or "small parts of gubadli" in t:
        return "undated_or_december"
    return "undated"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("--located", type=Path, nargs="*", default=[])
    args = parser.parse_args(argv)
    rows = list(csv.DictReader(open(args.reference / "settlements-2020.csv", encoding="utf-8")))
    md = (args.reference / "announcements-2020.md").read_text(encoding="utf-8")

    sources = {code: (code, *rest) for code, *rest in parse_source_table(md)}
    for entry in EXTRA_SOURCES:
        sources.setdefault(entry[0], entry)

    located = {}
    for path in args.located:
        for found in csv.DictReader(open(path, encoding="utf-8")):
            located[found["id"]] = found

    by_table = {r["table_no"]: r for r in rows if r["table_no"]}
    repeat_of = {}
    for r in rows:
        match = re.search(r"REPEAT of (?:table )?no\.? ?(\d+)", r["note"] + " " + r["announcement_note"])
        if r["announcement_status"] == "REPEAT" and match:
            repeat_of[r["id"]] = by_table[match.group(1)]["id"]

    settlements, events = [], []

    def event(place, date, kind, by, source_ids, note="", precision="day", status="", controller=""):
        unknown = [s for s in source_ids if s not in sources]
        if unknown:
            raise SystemExit(f"{place}: unknown source codes {unknown}")
        if by.startswith("Az MoD"):
            by = "Azerbaijani Ministry of Defence"
        elif "Aliyev" in by:
            by = "President of Azerbaijan (Ilham Aliyev)"
        events.append({"id": f"{place}:{kind}:{date}", "date": date, "date_precision": precision,
                       "subject": place, "event": kind, "by": by, "sources": ";".join(source_ids), "note": note,
                       "status": status, "controller": controller})

    for subject, date, kind, by, source_ids, status, controller in FEATURE_EVENTS:
        event(subject, date, kind, by, source_ids.split(";"), status=status, controller=controller)

    for r in rows:
        if r["table_no"] == "" and r["status_10nov"].startswith("did not exist in 2020"):
            continue
        rule = classify_unannounced(r["status_10nov"]) if not r["announced_date"] else "announced"
        if rule == "skip":
            continue
        place = repeat_of.get(r["id"], r["id"])
        if r["id"] not in repeat_of:
            lat, lon, quality = r["lat"], r["lon"], r["coord_quality"]
            url, title = split_coord_source(r["coord_source"])
            if lat and not url:
                lat = lon = ""  # a point whose page has no address cannot be checked by a reader: left out
            if not lat and r["id"] in located:
                found = located[r["id"]]
                lat, lon = f"{float(found['lat']):.5f}", f"{float(found['lon']):.5f}"
                url, title = found["coord_source"], found["evidence"].split(":")[0].strip()
                quality = "high" if found["precision"] == "seconds" else "medium"
            settlements.append({
                "id": r["id"], "name_en": r["name_en"], "name_az": r["name_az"], "name_hy": r["name_hy"],
                "name_ru": r["name_ru"], "other_names": "", "district": r["district"],
                "nkr_region": r["nkr_region"], "lat": lat, "lon": lon,
                "coord_quality": quality if lat else "none", "coord_url": url if lat else "",
                "coord_page": title if lat else "", "table_no": r["table_no"],
                "baseline": {"az_before": "azerbaijan", "outside": "outside"}.get(rule, "armenian_forces"),
            })
        if rule == "announced":
            codes = [c.strip() for c in r["announcement_sources"].split(";") if c.strip()]
            status = r["announcement_status"]
            precision = "unverified" if status.startswith("DATE UNVERIFIED") or status in ("UNVERIFIED", "CHECK") else "day"
            note = ""
            if status == "REPEAT":
                note = "named a second time"
            event(place, r["announced_date"], "announced_taken", r["announced_by"] or "Azerbaijani side", codes,
                  note, precision)
            d = r["announced_date"]
            if status.startswith("DENIED") or status.startswith("CONTESTED"):
                denial_sources = {"A01": ["lenta_denial", "newsam_605987"], "A05": ["hyetert_hadrut", "southfront_hadrut",
                                  "isw_hadrut"], "A21": ["unian_shusha"], "A02": ["lenta_denial"]}.get(r["announcement"])
                if denial_sources:
                    event(place, d, "denied", "Armenian side", denial_sources)
            if r["id"] == "hadrut-khojavend":
                event(place, "2020-10-15", "confirmed", "third-party sources", ["wp_battle_hadrut"],
                      "third-party sources give 14 or 15 Oct for Azerbaijani control of the town")
            if r["id"] == "shusha-shusha":
                event(place, "2020-11-09", "confirmed", "Artsakh presidential spokesman", ["wp_battle_shusha"])
            if status == "CONFIRMED by Armenian MoD":
                event(place, "2020-10-26", "confirmed", "Armenian Ministry of Defence", ["almasdar26"])
            if status in ("CONFIRMED (Arm. list)", "CONTESTED->CONFIRMED", "DENIED->CONFIRMED"):
                event(place, "2020-12-31", "admitted", "Government of Armenia (list of communities lost)",
                      ["armenews_list", "realkarabakh_lost"], precision="month")
            if status == "UNREALIZED":
                event(place, "2020-11-10", "not_taken", "Azerbaijani and Armenian sources",
                      ["menafn_shushakend", "azernews_247403"],
                      "Azerbaijani sources date its capture to the offensive of 19-20 Sep 2023")
            if r["id"] == "mukhtar-khojaly":
                event(place, "2020-11-10", "not_taken", "Wikipedia, citing CivilNet footage of 1 Mar 2021",
                      ["wikial_muxtar"], "missing from the Armenian list of communities lost")
            if status == "PARTIAL":
                event(place, "2020-11-10", "partial", "CivilNet; Artsakhpress",
                      ["civilnet_taghavard", "artsakhpress_142182"],
                      "the upper (western) part on the Azerbaijani side, the lower part Armenian-held")
        elif rule == "kalbajar":
            event(place, "2020-11-10", "scheduled", "statement point 6", ["pm_am_statement"])
            event(place, "2020-11-25", "handed_over", "Azerbaijani army entered the district",
                  ["jam_kalbajar_handover"])
        elif rule == "stayed_held":
            event(place, "2020-11-10", "stayed_held", "statement points 1 and 3", ["pm_am_statement", "wp_peacekeeping"])
        elif rule == "taken_12dec":
            event(place, "2020-12-12", "taken_after_ceasefire", "Azerbaijani forces",
                  ["azatutyun_31004105", "newsam_618778", "wp_caylaqqala"])
        elif rule == "left_18dec":
            event(place, "2020-12-18", "taken_after_ceasefire", "border demarcation", ["oxu24_akend"])
        elif rule == "announced_30oct":
            event(place, "2020-10-30", "announced_taken", "Azerbaijani side", ["zefer_30oct"],
                  "not in the lists of the day's announcements found elsewhere", "unverified")
        elif rule in ("undated", "undated_admitted"):
            event(place, "2020-11-10", "taken_undated", "no announcement by name found", ["pm_am_statement"],
                  "under Azerbaijani control when the ceasefire began; the date it was taken is not known",
                  "by")
            if rule == "undated_admitted":
                event(place, "2020-12-31", "admitted", "Government of Armenia (list of communities lost)",
                      ["armenews_list", "realkarabakh_lost"], precision="month")
        elif rule == "undated_or_december":
            event(place, "2020-12-19", "taken_undated", "no announcement by name found",
                  ["newsam_619591", "hyetert_goris_kapan"],
                  "taken by 10 Nov, or when Armenian forces left the border strip on 17-19 Dec 2020: the sources do not say which",
                  "by")
    used = {s for e in events for s in e["sources"].split(";")} | {e[0] for e in EXTRA_SOURCES}
    OUT.mkdir(parents=True, exist_ok=True)
    write(OUT / "sources.csv", ["id", "outlet", "published", "title", "url"],
          [dict(zip(["id", "outlet", "published", "title", "url"], sources[k])) for k in sorted(used)])
    write(OUT / "settlements.csv", list(settlements[0]), settlements)
    write(OUT / "events.csv", list(events[0]), events)
    print(f"{len(settlements)} settlements ({sum(1 for s in settlements if s['lat'])} located), "
          f"{len(events)} events, {len(used)} sources", file=sys.stderr)
    return 0


def write(path: Path, fields, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
