import sys

from bsgan.cli import main

sys.exit(main())
