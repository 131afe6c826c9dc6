"""Recognition requests, their workflow, jury sessions and decisions (ECTS, competencies, exemptions)."""
