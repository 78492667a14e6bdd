"""Settings split per environment: ``local`` (default), ``test`` and ``production``."""
