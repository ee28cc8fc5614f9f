# Sourced: helpers for archives that are the same bytes on every run, given SOURCE_DATE_EPOCH.
# stamp DIR: every file, folder and link under DIR gets SOURCE_DATE_EPOCH as its mtime.
stamp() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }
# reproducible_tar DIR MEMBER...: writes a tar of DIR's MEMBERs to stdout, sorted, owned by root, mtimes fixed,
# no atime/ctime in pax headers.
reproducible_tar() {
  local dir=$1; shift
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$dir" -cf - "$@"
}
