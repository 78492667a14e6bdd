"""Progress on a study plan: recording it item by item, and summing it per plan and per area."""
