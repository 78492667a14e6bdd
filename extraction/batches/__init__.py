"""A class's reports uploaded together: intake -> tasks -> processing, then summaries and exports."""
