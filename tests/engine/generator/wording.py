"""Every printed wording the generator can choose from, and the held-out partition.

The wordings are a vocabulary of their own, written from how test vendors (PSI, CATS,
Pearson VUE, LaserGrade), re-typed school copies and forms in general label things; none
is taken from the engine. Labels are compositional: a base phrase, then a case style, an
abbreviation and a trailing punctuation are applied to it.

Held-out partition: a fixed, hash-chosen share of the base phrases of every field (and of
the headings, paragraphs, prefaces and end markers) is reserved for seeds at or above
:data:`HOLDOUT_SEED`. Develop on seeds below it; measure on seeds above it, which also show
wordings no lower seed ever printed.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence

HOLDOUT_SEED = 100_000
HOLDOUT_SHARE = 0.3
_SALT = "aktr-generator-holdout-v1"

# Field -> base phrases. The first one is the wording of the reports the team already has
# and is never held out, so every field keeps a familiar wording on development seeds.
LABELS: dict[str, tuple[str, ...]] = {
    "name": (
        "Name", "Applicant Name", "Applicant", "Candidate", "Candidate Name", "Examinee",
        "Examinee Name", "Student Name", "Test Taker", "Name of Applicant", "Applicant's Name",
        "Airman Name", "Full Name", "Name (Last, First MI)", "Student", "Test Taker Name",
        "Candidate's Name", "Applicant Full Name",
    ),
    "ftn": (
        "FTN", "FAA Tracking Number", "FAA Tracking Number (FTN)", "Tracking Number", "Tracking #",
        "Tracking No.", "FAA Tracking #", "IACRA FTN", "FTN #", "Airman FTN", "FAA FTN",
        "FAA Tracking No.", "Tracking ID", "FTN Number", "FAA Tracking Num",
    ),
    "applicant_id": (
        "Applicant ID", "Applicant ID Number", "Applicant Identification", "Student ID",
        "Candidate ID", "Applicant No.", "Airman ID", "Examinee ID", "Applicant #", "ID Number",
        "Candidate Number", "Applicant Ident.",
    ),
    "exam_id": (
        "Exam ID", "Test ID", "Exam ID Number", "Exam Number", "Test Number", "Exam No.", "Exam #",
        "Registration ID", "Registration Number", "Test Record ID", "Exam Session ID",
        "Exam Reference", "Score Report ID", "Test Registration #", "Exam Record No.",
        "Session Number", "Test Sequence No.", "Examination ID",
    ),
    "exam": (
        "Exam", "Test", "Exam Title", "Test Name", "Exam Name", "Test Title", "Examination",
        "Knowledge Test", "Subject", "Test Taken", "Exam Taken", "Test Description",
        "Exam Description", "Test Type", "Knowledge Exam", "Examination Title",
    ),
    "exam_date": (
        "Exam Date", "Test Date", "Date Taken", "Date", "Date of Exam", "Date of Test",
        "Testing Date", "Exam Date/Time", "Test Date/Time", "Date/Time", "Date Tested",
        "Exam Taken On", "Date Administered", "Session Date", "Test Date & Time",
        "Date and Time of Test", "Examination Date", "Tested On",
    ),
    "exam_site": (
        "Exam Site", "Test Site", "Testing Center", "Test Center", "Site ID", "Site",
        "Testing Site", "Test Center ID", "Exam Location", "Center Code", "Testing Location",
        "Site Code", "Test Center No.", "Testing Center ID", "Site Number", "Location Code",
        "Test Site ID", "Center ID",
    ),
    "score": (
        "Score", "Test Score", "Exam Score", "Score (%)", "Percent", "Percentage",
        "Percent Score", "Score %", "Final Score", "Your Score", "Percent Correct",
        "Score (Percent)", "Percentage Score", "Result (%)", "Test Score (%)", "Grade (%)",
        "Total Score", "Score Achieved",
    ),
    "grade": (
        "Grade", "Result", "Test Result", "Exam Result", "Pass/Fail", "Status", "Outcome",
        "Final Result", "Grade Status", "Result Status", "Test Status", "Pass / Fail",
        "Exam Outcome", "Disposition", "Final Grade",
    ),
    "take": (
        "Take", "Attempt", "Take Number", "Attempt #", "Attempt No.", "Attempt Number", "Take No.",
        "Times Taken", "Sitting", "Test Attempt", "Take #", "Attempt Count", "No. of Attempts",
        "Exam Attempt", "Try",
    ),
    "expiration": (
        "Expiration Date", "Expires", "Valid Until", "Expiration", "Expiry Date", "Exp. Date",
        "Report Expires", "Valid Through", "Expires On", "Good Through", "Report Valid Until",
        "Test Expiration", "Expiration Dt", "Results Expire", "Valid Thru", "Date of Expiration",
        "Expiration Date of Report",
    ),
}  # fmt: skip

# Abbreviations a vendor may apply to a label's words (applied to the whole phrase).
ABBREVIATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Number", ("No.", "#", "Nbr", "Num")),
    ("Identification", ("ID", "Ident.")),
    ("Percent", ("Pct", "%")),
    ("Expiration", ("Exp.", "Expir.")),
    ("Applicant", ("Appl.", "App.")),
    ("Date", ("Dt.",)),
)

HEADINGS: tuple[str, ...] = (
    "Airman Knowledge Test Report",
    "AIRMAN KNOWLEDGE TEST REPORT",
    "Knowledge Test Score Report",
    "Airman Knowledge Test Results",
    "FAA Knowledge Test Report",
    "Knowledge Test Report",
    "Airman Knowledge Examination Report",
    "Official Score Report",
    "Candidate Score Report",
    "Examination Score Report",
    "FAA Airman Knowledge Test - Score Report",
    "Test Results Summary",
    "Knowledge Exam Results",
    "Airman Computer Testing - Results",
)
AGENCY_LINES: tuple[tuple[str, ...], ...] = (
    ("U.S. DEPARTMENT OF TRANSPORTATION", "FEDERAL AVIATION ADMINISTRATION"),
    ("U.S. Department of Transportation", "Federal Aviation Administration"),
    ("FEDERAL AVIATION ADMINISTRATION",),
    ("Department of Transportation - Federal Aviation Administration",),
    ("FAA Airman Testing Program",),
    ("U.S. DOT / FAA",),
    ("Flight Standards Service - Airman Testing Standards Branch, AFS-630",),
    (),
)
VENDORS: tuple[tuple[str, ...], ...] = (
    ("PSI Services LLC", "3210 E Tropicana Ave, Las Vegas, NV 89121", "www.psiexams.com"),
    ("CATS - Computer Assisted Testing Service", "1-800-947-4228"),
    ("Pearson VUE", "5601 Green Valley Drive, Bloomington, MN 55437"),
    ("LaserGrade Testing", "Vancouver, WA 98683", "Tel. (360) 896-9111"),
    ("Skyline Aviation Academy - Testing Office", "1400 Airport Rd, Hangar 3, Frederick, MD 21701"),
    ("Blue Ridge Flight School", "Copy for training records - re-typed from the original"),
    ("Aero Test Center #4471", "Phone (555) 014-2290  Fax (555) 014-2291"),
    ("Mid-State Aviation Knowledge Testing", "Suite 210, 88 Runway Dr., Wichita KS 67209"),
)

PARAGRAPHS_ACS: tuple[str, ...] = (
    "The Airman Certification Standards (ACS) codes listed below identify the knowledge areas or "
    "elements in which you answered at least one question incorrectly. A single code may represent "
    "more than one incorrect response. Refer to the ACS publication for the code's meaning.",
    "The ACS codes below show the knowledge elements in which at least one question was answered "
    "incorrectly. One code can stand for more than one missed question.",
    "Deficiencies are reported by Airman Certification Standards code. Each code identifies an area "
    "of operation, task and element; a single code may represent more than one incorrect response.",
    "Knowledge areas missed are listed by ACS code. Review each area with an authorized instructor "
    "before the practical test.",
    "Questions answered incorrectly are reported below by ACS element. Codes are listed once even "
    "when several questions map to the same element.",
    "Areas of deficiency (Airman Certification Standards reference). The applicant should review "
    "these elements before the practical test.",
    "Below are the ACS codes associated with the questions you missed. The evaluator will review "
    "these areas during your practical test.",
)
PARAGRAPHS_PLT: tuple[str, ...] = (
    "The learning statement codes listed below identify subject areas in which questions were "
    "answered incorrectly. Refer to the Learning Statement Reference Guide.",
    "Learning Statement Codes (LSC) for areas answered incorrectly are shown below. A code may "
    "represent more than one missed question.",
    "Subject matter knowledge codes for questions missed. See the Learning Statement Reference "
    "Guide for Airman Knowledge Testing for the meaning of each code.",
    "The codes below refer to the FAA Learning Statement Reference Guide and identify subjects "
    "in which the applicant was found deficient.",
    "Deficient subject areas are listed by learning statement code (PLT).",
)
PREFACES_ACS: tuple[str, ...] = (
    "Deficient areas:", "ACS Codes:", "Areas missed:", "Knowledge areas to review:",
    "Deficient ACS codes:", "Missed elements:", "ACS codes missed:", "Areas of deficiency:",
    "Codes:", "Review areas:", "Deficiencies:",
)  # fmt: skip
PREFACES_PLT: tuple[str, ...] = (
    "Learning Statement Codes:", "Deficient areas:", "LSC:", "Subject areas missed:",
    "Codes:", "Learning statements missed:", "PLT codes:",
)  # fmt: skip
CODE_HEADINGS: tuple[str, ...] = (
    "DEFICIENT AREAS", "ACS CODES", "AREAS OF DEFICIENCY", "KNOWLEDGE AREAS MISSED",
    "Deficiency Codes", "Subject Areas Answered Incorrectly", "Missed Areas", "CODES",
)  # fmt: skip
NO_CODES: tuple[str, ...] = (
    "No deficient areas", "NONE", "None", "No deficiencies", "No areas missed",
    "All questions answered correctly", "No codes to report", "N/A", "-- none --",
)  # fmt: skip
END_MARKERS: tuple[str, ...] = (
    "DO NOT LOSE THIS REPORT", "Do not lose this report.", "KEEP THIS REPORT",
    "*** END OF REPORT ***", "This report must be presented for the practical test.",
    "RETAIN THIS REPORT FOR YOUR RECORDS", "Keep this report - it cannot be replaced.",
    "Present this report to your examiner.", "--- End of Score Report ---",
    "IMPORTANT: a duplicate of this report can only be requested from the FAA.",
)  # fmt: skip
STATEMENTS: tuple[tuple[str, ...], ...] = (
    (
        "AUTHORIZED INSTRUCTOR'S STATEMENT: (if applicable)",
        "On ____________ (date) I gave the above named applicant ______ hours of additional instruction,",
        "covering each subject area shown to be deficient, and consider the applicant competent to pass "
        "the test.",
        "Last name __________ First name __________ MI ___ Cert. No. __________ Type of Instructor "
        "Cert. ______",
        "Signature ______________________________",
    ),
    (
        "Instructor endorsement (14 CFR 61.39 / 61.49)",
        "I have given the applicant the additional instruction required in each deficient area.",
        "Instructor ____________________  Certificate No. __________  Exp. ________  Date ________",
    ),
    (
        "RETEST ENDORSEMENT (14 CFR 61.49)",
        "I certify that I have given ____ hours of instruction in the areas of deficiency listed above",
        "and find the applicant competent to pass the test.",
        "Signature ____________________ CFI No. ____________ Date ___________",
    ),
)
GRADES: dict[str, tuple[str, ...]] = {
    "PASS": ("PASS", "Pass", "PASSED", "Passed", "SATISFACTORY", "Satisfactory", "SAT", "P - Pass"),
    "FAIL": ("FAIL", "Fail", "FAILED", "Failed", "UNSATISFACTORY", "Unsatisfactory", "UNSAT", "F - Fail"),
}
SCORE_MISSING: tuple[str, ...] = ("N/A", "--", "n/a", "NA", "Not reported", "***")


def _held_out(kind: str, text: str) -> bool:
    digest = hashlib.sha256(f"{_SALT}|{kind}|{text}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < HOLDOUT_SHARE


def partition(kind: str, options: Sequence[str]) -> tuple[list[str], list[str]]:
    """(development, held out) options of one kind; the first option is always development."""
    dev = [options[0]] + [o for o in options[1:] if not _held_out(kind, o)]
    held = [o for o in options[1:] if _held_out(kind, o)]
    return dev, held


def pick(rng: random.Random, kind: str, options: Sequence[str], holdout: bool) -> str:
    """One option: development ones only below the held-out seeds, held-out ones favoured above."""
    dev, held = partition(kind, options)
    if holdout and held and rng.random() < 0.6:
        return rng.choice(held)
    return rng.choice(dev)


def pick_tuple(
    rng: random.Random, kind: str, options: Sequence[tuple[str, ...]], holdout: bool
) -> tuple[str, ...]:
    """:func:`pick` over tuples of lines (keyed by their joined text)."""
    keyed = {" / ".join(o): o for o in options}
    return keyed[pick(rng, kind, list(keyed), holdout)]


def compose_label(rng: random.Random, field: str, holdout: bool, case: str, punct: str) -> str:
    """A field's label: base phrase, maybe abbreviated, in the document's case and punctuation."""
    base = pick(rng, f"label:{field}", LABELS[field], holdout)
    if rng.random() < 0.25:
        held = {h.lower() for h in partition(f"label:{field}", LABELS[field])[1]}
        for word, shorts in ABBREVIATIONS:
            if re.search(rf"\b{word}\b", base) and base != word:
                short = re.sub(rf"\b{word}\b", rng.choice(shorts), base, count=1)
                if holdout or short.lower() not in held:  # no held-out wording by abbreviation
                    base = short
                break
    if case == "upper":
        text = base.upper()
    elif case == "title":
        text = base
    elif case == "sentence":
        text = base.lower()
        text = text[:1].upper() + text[1:]
        text = re.sub(r"\b(faa|ftn|acs|id|iacra)\b", lambda m: m.group(1).upper(), text, flags=re.IGNORECASE)
    else:
        raise ValueError(case)
    if text.endswith(("#", ".", "%)")) and punct == ".":
        punct = ":"
    return f"{text}{punct}"
