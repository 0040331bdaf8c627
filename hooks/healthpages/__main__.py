import sys

from healthpages.cli import main

sys.exit(main())
