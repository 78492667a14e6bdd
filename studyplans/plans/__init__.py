"""Study plans: the planning algorithm, generation and regeneration from reports, plan reads."""
