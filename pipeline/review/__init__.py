"""The rules a year's data must pass: deadlines, the statutory consistency rules and the
plausibility rules, and the state of each expected return."""
