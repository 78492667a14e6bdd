"""The 14 CFR 61.39(a)(6)(iii) endorsement drafted from a report's deficient areas."""
