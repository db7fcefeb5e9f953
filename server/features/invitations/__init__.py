"""Who may take part: open or invited consultations, registration lists, personal links."""
