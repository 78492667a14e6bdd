"""The study plan resource: list, detail, generation, progress on an item, exports."""
