"""What every layer may use: Vietnamese formatting of numbers, percentages, dates and amounts in words."""
