#!/usr/bin/env bash
# Đăng lên cổng: xây dựng trang (nghiêm ngặt: còn lỗi hay cảnh báo là dừng) rồi chép site/ lên máy chủ web.
# Quy trình của máy chủ git (.forgejo/workflows/, .gitlab-ci.yml) chạy tệp này mỗi khi nhánh main thay đổi.
#
# Biến (đặt trong phần Variables/Secrets của kho trên máy chủ git):
#   DEPLOY_TARGET       nơi nhận trang, ví dụ deploy@web.tinh.gov.vn:/var/www/chuyen-muc-cchc/
#   DEPLOY_SSH_KEY      khóa SSH riêng của tài khoản deploy (bí mật); không cần khi DEPLOY_TARGET là thư mục
#   DEPLOY_KNOWN_HOSTS  dòng known_hosts của máy chủ web (ssh-keyscan web.tinh.gov.vn), để chắc đúng máy
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DEPLOY_TARGET:-}" ]; then
  echo "Thiếu biến DEPLOY_TARGET (nơi nhận trang, ví dụ deploy@web.tinh.gov.vn:/var/www/chuyen-muc-cchc/)." >&2
  exit 2
fi

echo "== Xây dựng trang (make build) =="
if ! make build; then
  echo "Xây dựng không thành công: KHÔNG đăng gì lên cổng; trang đang chạy giữ nguyên." >&2
  echo "Sửa các lỗi liệt kê ở trên (tệp, dòng, cách sửa) rồi gửi lại." >&2
  exit 1
fi

ssh_options=()
if [ -n "${DEPLOY_SSH_KEY:-}" ]; then
  key_dir="$(mktemp -d)"
  trap 'rm -rf "$key_dir"' EXIT
  printf '%s\n' "$DEPLOY_SSH_KEY" > "$key_dir/key"
  chmod 600 "$key_dir/key"
  if [ -n "${DEPLOY_KNOWN_HOSTS:-}" ]; then
    printf '%s\n' "$DEPLOY_KNOWN_HOSTS" > "$key_dir/known_hosts"
    ssh_options=(-e "ssh -i $key_dir/key -o UserKnownHostsFile=$key_dir/known_hosts -o StrictHostKeyChecking=yes")
  else
    echo "Thiếu biến DEPLOY_KNOWN_HOSTS: không kiểm chứng được máy chủ web, không đăng." >&2
    exit 2
  fi
fi

echo "== Chép site/ lên $DEPLOY_TARGET =="
# --delay-updates: pages change all at once at the end; --delete-after: files gone from the build go last.
# --checksum without --times: a file whose bytes did not change is not touched, so it keeps its time on the
# server and browsers, feed readers and radio stations get "304 Not Modified" for it.
rsync --recursive --links --compress --checksum --delay-updates --delete-after \
  "${ssh_options[@]}" site/ "$DEPLOY_TARGET"
echo "Đã đăng lên cổng."
