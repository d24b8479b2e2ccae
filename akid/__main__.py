import sys

from akid.cli import main

sys.exit(main())
