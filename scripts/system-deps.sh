#!/bin/sh
# Install the Debian packages the test suite needs, when missing: Chromium (browser tests driven by
# Playwright), a CJK TrueType font (embedded in generated PDFs), dovecot (the real IMAP server the
# email-intake tests start on a loopback port) and tesseract with its simplified-Chinese data (the OCR of
# scanned letters, chosen by bench/ocr.py; a runtime dependency of the product too, docs/deploy.md) and wv
# (wvWare: the text of Word 97-2003 .doc files, chosen by bench/doc_text.py; a runtime dependency too).
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
[ -x /usr/sbin/dovecot ] || need="$need dovecot-imapd"
[ -x /usr/bin/tesseract ] || need="$need tesseract-ocr"
[ -f /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || need="$need tesseract-ocr-chi-sim"
[ -x /usr/bin/wvWare ] || need="$need wv"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "需要安装系统软件包：$need（请以 root 运行：apt-get install -y$need）" >&2
  exit 1
fi
echo "安装系统软件包：$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
# The tests run their own dovecot on a throwaway config; the system-wide IMAP service that the package
# enables is not wanted on a development machine: stop and disable it when this script installed it.
case "$need" in
  *dovecot-imapd*) if command -v systemctl >/dev/null 2>&1; then systemctl disable --now dovecot.service >/dev/null 2>&1 || true; fi ;;
esac
