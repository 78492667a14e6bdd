"""Scoring the engine's output against labelled documents (truth files); plain Python."""
