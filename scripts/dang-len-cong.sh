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

# Releases, as `cchc phat-hanh` makes them (src/cchc/releases/swap.py): each publish is a folder of its own under
# releases/, copied beside the live one (--link-dest: a file whose bytes did not change is a hard link to the
# live file and keeps its time, so browsers, feed readers and radio stations get "304 Not Modified"); then the
# symlink `current` (the web server's root) is renamed onto it in one step. A publish stopped anywhere leaves
# the live site whole, old or new. Five releases are kept; going back one is one command on the server:
#   cd /var/www/chuyen-muc-cchc && ln -sfn releases/<bản trước> .current.moi && mv -T .current.moi current
if [[ "$DEPLOY_TARGET" == *:* ]]; then
  host="${DEPLOY_TARGET%%:*}"
  dir="${DEPLOY_TARGET#*:}"
  ssh_command=(ssh)
  if [ -n "${DEPLOY_SSH_KEY:-}" ]; then
    ssh_command=(ssh -i "$key_dir/key" -o UserKnownHostsFile="$key_dir/known_hosts" -o StrictHostKeyChecking=yes)
  fi
  on_server() { "${ssh_command[@]}" "$host" "$1"; }
else
  dir="$DEPLOY_TARGET"
  on_server() { bash -c "$1"; }
fi
dir="${dir%/}"
name="$(date -u +%Y%m%d-%H%M%S)"
quoted="$(printf '%q' "$dir")"

echo "== Chép site/ vào $DEPLOY_TARGET/releases/$name =="
# Leftovers of a publish stopped while copying were never live: removed. `current` as a real folder (the layout
# before releases) is refused with what to do once.
on_server "set -e; cd $quoted 2>/dev/null || mkdir -p $quoted; cd $quoted
  if [ -e current ] && [ ! -L current ]; then echo 'current là thư mục thật: đổi tên nó (mv current current.cu), đăng lại, đặt root của máy chủ web là $dir/current' >&2; exit 3; fi
  mkdir -p releases; rm -rf releases/.dang-chep-*; rm -f .current.moi"
link_dest=()
if on_server "test -d $quoted/current"; then
  link_dest=(--link-dest="$dir/current/")
fi
rsync --recursive --links --perms --compress --checksum "${link_dest[@]}" "${ssh_options[@]}" \
  site/ "${DEPLOY_TARGET%/}/releases/.dang-chep-$name/"

echo "== Đưa bản $name lên (một bước) =="
on_server "set -e; cd $quoted; sync; mv releases/.dang-chep-$name releases/$name; sync
  ln -s releases/$name .current.moi; mv -T .current.moi current; sync
  live=\$(readlink current); ls -1 releases | grep -E '^[0-9]{8}-[0-9]{6}' | head -n -5 | while read -r old; do
    [ \"releases/\$old\" = \"\$live\" ] || [ \"releases/\$old\" \\> \"\$live\" ] || rm -rf \"releases/\$old\"; done"
echo "Đã đăng lên cổng: bản $name (trang đang chạy: $dir/current)."
