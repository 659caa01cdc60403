#!/usr/bin/env bash
# Builds pii_session.wav: a short probation exchange full of identifiers, spoken by two espeak-ng voices
# (officer: British male; person on probation: a different, higher voice), 16 kHz mono.
# Needs espeak-ng (Debian package) and ffmpeg. The committed WAV was made with espeak-ng 1.51.
set -euo pipefail
cd "$(dirname "$0")"
FFMPEG=${FFMPEG:-ffmpeg}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
say() {  # "voice pitch", text
  i=$((i + 1))
  read -r voice pitch <<< "$1"
  espeak-ng -v "$voice" -p "$pitch" -s 135 -w "$tmp/$i.wav" "$2"
  "$FFMPEG" -nostdin -loglevel error -y -i "$tmp/$i.wav" -af "apad=pad_dur=0.7" -ar 16000 -ac 1 "$tmp/p$i.wav"
  echo "file '$tmp/p$i.wav'" >> "$tmp/list.txt"
}
OFFICER="en-gb 35"
POP="en-gb-x-rp 75"
say "$OFFICER" "Morning Kacper, thanks for coming in. Can you confirm your date of birth for the recording?"
say "$POP" "Yes. It's the fourth of March, nineteen eighty nine."
say "$OFFICER" "And what is the best mobile number for you now?"
say "$POP" "It's oh seven seven double oh, nine double oh, one two three."
say "$OFFICER" "Thanks. And your new address?"
say "$POP" "Flat two, forty one Harehills Lane, Leeds. The postcode is L S eight, three Q W."
say "$OFFICER" "Are you still working at Pennine Fencing?"
say "$POP" "Yes, Monday to Friday."
say "$OFFICER" "Good. Your next appointment is Tuesday at ten."
"$FFMPEG" -nostdin -loglevel error -y -f concat -safe 0 -i "$tmp/list.txt" -ar 16000 -ac 1 pii_session.wav
