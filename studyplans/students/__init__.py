"""An instructor's students at a glance: latest result, weakest areas, plan progress, readiness."""
