"""From the units' records to a year's tables: each unit's part, then the year."""
