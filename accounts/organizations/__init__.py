"""Organizations (schools) as their administrators see them: their students and instructors."""
