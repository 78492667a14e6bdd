"""Seeded AKTRs: :func:`draw_spec` draws every choice from ``random.Random(seed)``, so a seed
names one document for good.

Two families: ``classic`` keeps the familiar page (stacked or columned ``LABEL: value``, the
standard paragraph, codes one per line, in a grid or comma separated) but words its labels
differently; ``wide`` varies everything the module offers.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from . import wording as w
from .spec import DocumentSpec, natural_key

# Test code -> (ACS prefixes the codes come from, title as reports print it, questions, weight).
ACS_EXAMS: dict[str, tuple[tuple[str, ...], str, int, int]] = {
    "PAR": (("PA",), "Private Pilot Airplane", 60, 14),
    "CAX": (("CA",), "Commercial Pilot Airplane", 100, 8),
    "IRA": (("IR",), "Instrument Rating Airplane", 60, 10),
    "ATM": (("AA",), "Airline Transport Pilot Multiengine Airplane", 125, 5),
    "ATS": (("AA",), "Airline Transport Pilot Single Engine Airplane", 90, 1),
    "FOI": (("FI", "FI", "AI"), "Fundamentals of Instructing", 50, 5),
    "FIA": (("AI", "AI", "FI"), "Flight Instructor Airplane", 100, 5),
    "AFA": (("AI", "FI"), "Flight Instructor Airplane - Added Rating", 50, 1),
    "PRH": (("PH",), "Private Pilot Rotorcraft/Helicopter", 60, 2),
    "CRH": (("CH",), "Commercial Pilot Rotorcraft/Helicopter", 100, 1),
    "IRH": (("IH",), "Instrument Rating Helicopter", 60, 1),
    "FRH": (("HI", "FI"), "Flight Instructor Rotorcraft/Helicopter", 100, 1),
    "HFA": (("HI", "FI"), "Flight Instructor Helicopter - Added Rating", 50, 1),
    "UAG": (("UA",), "Unmanned Aircraft General - Small", 60, 9),
    "AMA": (("AM",), "Aviation Mechanic Airframe", 100, 2),
    "AMG": (("AM",), "Aviation Mechanic General", 60, 2),
    "AMP": (("AM",), "Aviation Mechanic Powerplant", 100, 2),
    "FIP": (("IL", "FI"), "Flight Instructor Powered-Lift", 100, 1),
    "PPL": (("PL",), "Private Pilot Powered-Lift", 60, 1),
    "CPL": (("CP",), "Commercial Pilot Powered-Lift", 100, 1),
    "IPL": (("IP",), "Instrument Rating Powered-Lift", 60, 1),
    "APL": (("AP",), "Airline Transport Pilot Powered-Lift", 125, 1),
}
# Tests still reported with learning statement codes after 2019 (PTS-based, or older reports).
PLT_EXAMS: dict[str, tuple[str, int]] = {
    "ADX": ("Aircraft Dispatcher", 80),
    "FEX": ("Flight Engineer Basic", 80),
    "SPA": ("Sport Pilot Airplane", 40),
    "BGI": ("Ground Instructor Basic", 80),
    "AGI": ("Ground Instructor Advanced", 100),
    "IGI": ("Instrument Ground Instructor", 50),
    "PRG": ("Private Pilot Glider", 60),
    "PAR": ("Private Pilot Airplane", 60),
    "IRA": ("Instrument Rating Airplane", 60),
    "PRH": ("Private Pilot Helicopter", 60),
    "MCI": ("Military Competency Instructor", 50),
}
SURNAMES = (
    "KOWALSKI", "NGUYEN", "O'BRIEN", "SMITH-JONES", "MCALLISTER", "DE LA CRUZ", "VAN DER BERG",
    "D'ANGELO", "LINDQVIST", "OKAFOR", "TANAKA", "ST. JAMES", "LI", "MULLER", "HERNANDEZ-LOPEZ",
    "O'NEIL", "DUBOIS", "NG", "WASHINGTON", "ABERNATHY", "FITZGERALD", "PATEL", "KIM", "CHEN",
    "GARCIA", "ROBINSON", "MACDONALD", "VASQUEZ", "YAMAMOTO", "BJORNSSON", "AL-SAYED", "OYELARAN",
    "DELACROIX", "SCHWARZENEGGER", "WU", "PETROV", "LEFEVRE", "MORALES", "BROOKS", "DUNN",
)  # fmt: skip
GIVEN = (
    "PRIYA", "JAMES", "MARY ANN", "JEAN-LUC", "WEI", "ZOE", "AISHA", "ROBERT", "LIAM", "JO",
    "ELIZABETH", "CHRISTOPHER", "MIGUEL", "SARAH", "DMITRI", "FATIMA", "KENJI", "OLIVIA", "NOAH",
    "ALEXANDRA", "TY", "ANNE-MARIE", "MOHAMMED", "GRACE", "LUIS", "HANNAH", "DEVON", "EMILY",
)  # fmt: skip
SUFFIXES = ("JR", "SR", "III", "II", "IV", "JR.")
ID_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # FTNs use neither I, O nor Q
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

DATE_STYLES = (
    "mdY", "mdY_nopad", "mdY_dash", "dbY", "dbY_title", "BdY", "Bd_Y", "bdY", "b.dY", "iso",
    "dBY", "dbY_space", "mdy", "ABdY", "Ymd_slash", "dmY_dots",
)  # fmt: skip
TIME_STYLES = ("hm_ampm", "hm_ampm_lower", "hm24", "hms24", "hm_ampm_zone", "hm24_zone", "h_ampm")
TIME_JOINERS = (" ", "  ", " at ", " - ", ", ", " @ ")
HEADER_LAYOUTS = ("stacked", "columns", "pairs", "above", "boxed", "boxed_above")
CODE_LAYOUTS = (
    "lines", "grid_rows", "grid_cols", "separated", "numbered", "bulleted", "boxed", "described",
)  # fmt: skip
SEPARATORS = (", ", "; ", " | ", " / ", ",", ";", "  \u00b7  ", "tab")
NUMBERINGS = ("{n}.", "{n})", "({n})", "{n} -", "#{n}", "{n}:")
BULLETS = ("\u2022", "-", "*", "\u00b7", "o", "\u2013", ">")
FONTS = ("Helvetica", "Times", "Courier")
LABEL_KEYS = (
    "name", "ftn", "applicant_id", "exam_id", "exam", "exam_date", "exam_site", "score", "grade", "take",
    "expiration",
)  # fmt: skip
EXTRAS = ("page", "barcode", "printed", "vendor", "form", "phone", "candidate_copy")


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN)
    middle = rng.choice(["", f" {rng.choice(LETTERS)}", f" {rng.choice(LETTERS)}", f" {rng.choice(GIVEN)}"])
    if middle.strip() == given:
        middle = ""
    if rng.random() < 0.15:
        middle = ""
    suffix = rng.choice(SUFFIXES) if rng.random() < 0.12 else ""
    if suffix and rng.random() < 0.5:
        name = f"{surname} {suffix}, {given}{middle}"
    else:
        name = f"{surname}, {given}{middle}{(' ' + suffix) if suffix else ''}"
    if rng.random() < 0.15:  # re-typed copies and some vendors print names in mixed case
        name = " ".join(
            "-".join(p.capitalize() for p in part.split("-")) if part.rstrip(".,") not in SUFFIXES else part
            for part in name.split(" ")
        )
        name = name.replace("Mca", "McA").replace("Macd", "MacD").replace("O'b", "O'B").replace("O'n", "O'N")
        name = name.replace("D'a", "D'A")
    return name


def _outcome(rng: random.Random, questions: int) -> tuple[int, int]:
    """(score, questions missed) consistent with the 70% pass mark."""
    if rng.random() < 0.06:
        return 100, 0
    passing = rng.random() < 0.8
    limit = int(questions * 0.3)
    wrong = rng.randint(1, limit) if passing else rng.randint(limit + 1, int(questions * 0.55))
    score = round(100 * (questions - wrong) / questions)
    if passing and score < 70:
        score = 70
    if not passing and score >= 70:
        score = 69
    return score, wrong


def draw_spec(seed: int, catalog: Any, single_page: bool = False) -> DocumentSpec:
    """The document of ``seed``, its codes drawn from ``catalog`` (an engine ``Catalog``).

    ``single_page``: the document will be shown as one picture (PNG, photo), so everything
    that carries a field or a code stays on page 1; the other draws are the same.
    """
    pools = pools_from_catalog(catalog)

    def describe(code: str) -> str:
        entry = catalog.get(code)
        return str(entry.description) if entry is not None else ""

    rng = random.Random(seed)
    holdout = seed >= w.HOLDOUT_SEED
    family = "classic" if rng.random() < 0.3 else "wide"
    wide = family == "wide"
    legacy = rng.random() < 0.18
    # exam and outcome
    if legacy:
        exam_code = rng.choice(sorted(PLT_EXAMS))
        title, questions = PLT_EXAMS[exam_code]
        prefixes: tuple[str, ...] = ()
    else:
        usable = {c: v for c, v in ACS_EXAMS.items() if all(pools.get(p) for p in v[0])}
        exam_code = _weighted(rng, {c: v[3] for c, v in usable.items()})
        prefixes, title, questions, _ = usable[exam_code]
    title_case = "upper" if wide and rng.random() < 0.05 else "as_listed"
    if title_case == "upper":
        title = title.upper()
    # Tests with an ACS have reported ACS codes since 2020: their learning statement reports
    # are older; tests still under a PTS report learning statement codes to this day.
    if legacy and exam_code in ACS_EXAMS:
        year_weights = {2016: 1, 2017: 2, 2018: 3, 2019: 5}
    elif legacy:
        year_weights = {2019: 5, 2020: 4, 2021: 3, 2022: 2, 2023: 2, 2024: 1, 2025: 1, 2026: 1}
    else:
        year_weights = {y: 1 for y in range(2019, 2027)}
    year = int(_weighted(rng, {str(k): v for k, v in year_weights.items()}))
    last = dt.date(2026, 4, 30) if year == 2026 else dt.date(year, 12, 31)
    start = dt.date(year, 1, 1)
    exam_date = start + dt.timedelta(days=rng.randrange((last - start).days + 1))
    if rng.random() < 0.1:  # month ends and leap days, where the expiration rule slips
        exam_date = rng.choice([dt.date(2024, 2, 29), dt.date(2023, 12, 31), dt.date(2025, 8, 31)])
    score, wrong = _outcome(rng, questions)
    grade = "PASS" if score >= 70 else "FAIL"
    n_codes = 0 if wrong == 0 else min(wrong, rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 20]))
    if legacy:
        codes = sorted(f"PLT{n:03d}" for n in rng.sample(range(1, 541), n_codes))
    else:
        chosen: set[str] = set()
        while len(chosen) < n_codes:
            chosen.add(rng.choice(pools[rng.choice(prefixes)]))
        codes = sorted(chosen)
    code_order = "sorted"
    if codes and not legacy and rng.random() < 0.1:
        codes.sort(key=natural_key)
        code_order = "natural"
    # identity
    ftn_on_legacy = rng.random() < 0.3
    ident = "".join(rng.choice(ID_ALPHABET) for _ in range(7))
    first = "A" if rng.random() < 0.7 else rng.choice(LETTERS)
    ftn: str | None = first + ident
    applicant_id: str | None = None
    if (legacy and not ftn_on_legacy) or (not legacy and rng.random() < 0.04):
        ftn = None
        applicant_id = (
            str(rng.randrange(10**8, 10**9))
            if rng.random() < 0.6
            else rng.choice(LETTERS) + str(rng.randrange(10**6, 10**8))
        )
    exam_id = str(rng.randrange(1, 10)) + "".join(
        rng.choice("0123456789") for _ in range(rng.choice([17, 17, 17, 14, 15, 16, 19]))
    )
    site_letters = "".join(rng.choice(LETTERS) for _ in range(rng.choice([2, 2, 2, 3])))
    site = site_letters + str(
        rng.randrange(10**4, 10**5) if rng.random() < 0.75 else rng.randrange(1000, 10**6)
    )
    # printed values
    score_text: str | None = f"{score}"
    truth_score: int | None = score
    style = rng.random()
    if style < 0.4:
        score_text = f"{score}%"
    elif style < 0.48 and wide:
        score_text = f"{score} %"
    elif style < 0.52 and wide:
        score_text = f"{score}.0%"
    missing = rng.random()
    if missing < 0.05:
        score_text, truth_score = w.pick(rng, "score_missing", w.SCORE_MISSING, holdout), None
    elif missing < 0.08:
        score_text, truth_score = None, None
    grade_text = grade if not wide else w.pick(rng, f"grade:{grade}", w.GRADES[grade], holdout)
    if not wide and rng.random() < 0.3:
        grade_text = grade.capitalize()
    take = rng.choices([1, 2, 3, 4, 5], weights=[60, 25, 9, 4, 2])[0]
    take_text = str(take)
    if wide and rng.random() < 0.12:
        take_text = f"{take:02d}"
    validity = 60 if exam_code == "ATM" and not legacy else 24  # domain notes: ATP multi-engine only
    # wording
    case = "upper" if rng.random() < 0.65 else rng.choice(["title", "title", "sentence"])
    punct = ":" if rng.random() < 0.75 or not wide else rng.choice(["", " :", " -", "."])
    header_layout = rng.choice(["stacked", "stacked", "columns"]) if not wide else rng.choice(HEADER_LAYOUTS)
    if header_layout in ("columns", "above", "boxed", "boxed_above") and rng.random() < 0.5:
        punct = "" if punct == ":" else punct
    labels = {key: w.compose_label(rng, key, holdout, case, punct) for key in LABEL_KEYS}
    heading = w.pick(rng, "heading", w.HEADINGS, holdout) if wide else rng.choice(w.HEADINGS[:2])
    agency = w.pick_tuple(rng, "agency", w.AGENCY_LINES, holdout) if wide else w.AGENCY_LINES[0]
    vendor = w.pick_tuple(rng, "vendor", w.VENDORS, holdout) if wide and rng.random() < 0.5 else ()
    paragraphs = w.PARAGRAPHS_PLT if legacy else w.PARAGRAPHS_ACS
    paragraph: str | None = (
        w.pick(rng, "paragraph:" + ("plt" if legacy else "acs"), paragraphs, holdout)
        if wide
        else paragraphs[0]
    )
    if wide and rng.random() < 0.1:
        paragraph = None
    prefaces = w.PREFACES_PLT if legacy else w.PREFACES_ACS
    preface = w.pick(rng, "preface", prefaces, holdout) if wide and rng.random() < 0.3 else None
    code_heading = (
        w.pick(rng, "code_heading", w.CODE_HEADINGS, holdout) if wide and rng.random() < 0.3 else None
    )
    no_codes_text = (
        w.pick(rng, "no_codes", w.NO_CODES, holdout) if wide else rng.choice(["No deficient areas", ""])
    )
    end_marker = w.pick(rng, "end", w.END_MARKERS, holdout) if wide else w.END_MARKERS[0]
    statement = w.pick_tuple(rng, "statement", w.STATEMENTS, holdout) if wide else w.STATEMENTS[0]
    # formats
    dates = list(DATE_STYLES)
    date_dev, date_held = w.partition("date", dates[1:])
    date_pool = (
        (["mdY", *date_dev] + (date_held if holdout else [])) if wide else ["mdY", "mdY", "BdY", "dbY"]
    )
    date_style = rng.choice(date_pool)
    with_time = wide and rng.random() < 0.35
    exam_time = dt.time(rng.randint(7, 18), rng.randrange(60), rng.randrange(60)) if with_time else None
    time_style = rng.choice(TIME_STYLES) if with_time else None
    time_joiner = rng.choice(TIME_JOINERS)
    expiration_style = date_style if rng.random() < 0.5 else rng.choice(date_pool)
    # layout
    per_row = rng.choice([2, 2, 3]) if header_layout in ("pairs", "boxed") else rng.choice([2, 3, 3, 4])
    if header_layout == "boxed" and rng.random() < 0.4:
        per_row = 1
    font = rng.choice(FONTS)
    font_size = rng.choice([8.5, 9, 10, 10, 11, 12]) if wide else rng.choice([9, 10, 10, 11])
    margin = rng.choice([36, 48, 54, 60, 72, 90]) if wide else 60
    band = wide and rng.random() < 0.3
    title_as_heading = wide and rng.random() < 0.12
    expiration_in_header = wide and rng.random() < 0.25
    ident_key = "ftn" if ftn else "applicant_id"
    order = ["name", ident_key, "exam_id", "exam", "exam_date", "exam_site", "score", "grade", "take"]
    if wide and rng.random() < 0.4:
        blocks = [order[:3], order[3:6], order[6:]]
        rng.shuffle(blocks)
        order = [k for b in blocks for k in b]
    if wide and rng.random() < 0.2:
        i = rng.randrange(len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
    if expiration_in_header:
        order.append("expiration")
    if score_text is None:
        order.remove("score")
    # code block
    code_layout = rng.choice(["lines", "grid_rows", "separated"]) if not wide else rng.choice(CODE_LAYOUTS)
    separator = rng.choice(SEPARATORS) if wide else ", "
    if legacy and code_layout == "described":
        code_layout = "lines"
    code_columns = rng.choice([2, 3, 4, 5])
    if code_layout in ("boxed", "described"):
        code_columns = rng.choice([1, 2, 3, 4]) if code_layout == "boxed" else 1
    numbering = rng.choice(NUMBERINGS)
    bullet = rng.choice(BULLETS)
    if single_page and len(codes) > 12 and code_layout in ("lines", "numbered", "bulleted", "described"):
        code_layout = "grid_rows"
    split_at = None
    rows_guess = len(codes) if code_layout in ("lines", "numbered", "bulleted", "described") else 3
    if not single_page and rows_guess > 2 and rng.random() < 0.12:
        split_at = rng.randrange(1, rows_guess)
    descriptions: dict[str, str] = {}
    if code_layout == "described":
        descriptions = {c: _short(describe(c)) for c in codes}
    extras = [e for e in EXTRAS if wide and rng.random() < 0.2]
    tags = {
        "family": family,
        "header_layout": header_layout,
        "code_layout": code_layout,
        "date_style": date_style,
        "time": time_style or "none",
        "case": case,
        "punct": repr(punct),
        "font": font,
        "legacy": str(legacy),
        "code_order": code_order,
        "holdout": str(holdout),
        "title_case": title_case,
    }
    return DocumentSpec(
        seed=seed,
        family=family,
        holdout=holdout,
        single_page=single_page,
        name=_name(rng),
        ftn=ftn,
        applicant_id=applicant_id,
        exam_id=exam_id,
        exam_code=exam_code,
        title=title,
        exam_date=exam_date,
        exam_time=exam_time,
        site=site,
        score=truth_score,
        score_text=score_text,
        grade=grade,
        grade_text=grade_text,
        take=take,
        take_text=take_text,
        validity_months=validity,
        code_kind="plt" if legacy else "acs",
        codes=codes,
        labels=labels,
        heading=heading,
        agency=agency,
        vendor=vendor,
        paragraph=paragraph,
        preface=preface,
        code_heading=code_heading,
        no_codes_text=no_codes_text,
        end_marker=end_marker,
        statement=statement,
        date_style=date_style,
        time_style=time_style,
        time_joiner=time_joiner,
        expiration_style=expiration_style,
        header_layout=header_layout,
        per_row=per_row,
        font=font,
        font_size=font_size,
        margin=margin,
        band=band,
        title_as_heading=title_as_heading,
        expiration_in_header=expiration_in_header,
        field_order=order,
        code_layout=code_layout,
        code_columns=code_columns,
        separator=separator,
        numbering=numbering,
        bullet=bullet,
        split_at=split_at,
        descriptions=descriptions,
        extras=extras,
        tags=tags,
    )


_POOLS: dict[int, tuple[Any, dict[str, list[str]]]] = {}


def pools_from_catalog(catalog: Any) -> dict[str, list[str]]:
    """Sorted catalogue codes per ACS prefix (built once per catalogue object)."""
    kept = _POOLS.get(id(catalog))
    if kept is None or kept[0] is not catalog:
        kept = (catalog, {p: sorted(codes) for p, codes in catalog.by_prefix.items()})
        _POOLS[id(catalog)] = kept
    return kept[1]


def _short(description: str, limit: int = 48) -> str:
    """A catalogue description cut at a word boundary, as a re-typed list abbreviates it."""
    text = " ".join(description.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."
