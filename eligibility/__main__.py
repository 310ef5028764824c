"""`python -m eligibility ...`"""

import sys

from eligibility.commands import main

sys.exit(main())
