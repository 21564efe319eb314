#!/bin/sh
# Install the Debian packages the test suite needs, when missing: Chromium (browser tests driven by
# Playwright) and a CJK TrueType font (embedded in generated PDFs).
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "需要安装系统软件包：$need（请以 root 运行：apt-get install -y$need）" >&2
  exit 1
fi
echo "安装系统软件包：$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
