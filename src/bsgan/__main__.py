import sys

from bsgan.entry import main

sys.exit(main())
