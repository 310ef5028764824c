"""`python -m eligibility ...`"""

from eligibility.commands import eligibility_entry

eligibility_entry()
