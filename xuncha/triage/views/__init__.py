"""Pages of triage: the team's work on reports (`reports`), what it hands over (`handovers`), its
statistics (`stats`), and the receiving bodies' pages (`recipient`, under their own namespace)."""
