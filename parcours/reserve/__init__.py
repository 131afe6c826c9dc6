"""Reserve catalogue (forces, activity types) and recognition rules (crosswalks) decided by the school."""
