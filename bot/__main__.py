import signal
import sys

from bot.cli import main

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `python -m bot status | head` ends quietly
sys.exit(main())
