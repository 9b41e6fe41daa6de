import sys

from reportqa.cli import main

sys.exit(main())
