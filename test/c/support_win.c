/* Test support for Windows (and Wine, where the suite runs in CI). Sockets
 * are handles: they are counted, duplicated and checked for inheritance as
 * handles. Windows has no per-process handle limit to lower, so the EMFILE
 * tests skip with that reason. */
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <windows.h>
#include <winternl.h>

/* ---- handles ------------------------------------------------------------ */

/* One entry of NtQuerySystemInformation(SystemHandleInformation). */
typedef struct handle_entry {
  USHORT process_id;
  USHORT creator_back_trace_index;
  UCHAR object_type;
  UCHAR attributes;
  USHORT handle;
  PVOID object;
  ULONG granted_access;
} handle_entry;

typedef struct handle_table {
  ULONG count;
  handle_entry entries[1];
} handle_table;

#define SYSTEM_HANDLE_INFORMATION 16
#define STATUS_INFO_LENGTH_MISMATCH_CODE ((NTSTATUS)0xC0000004L)

/* The handles this process has open. GetProcessHandleCount would be the
 * plain call, but Wine answers it with 0; the system's handle table works
 * on both. */
int support_descriptor_count(void) {
  ULONG size = 1 << 16, needed = 0, i;
  USHORT self = (USHORT)GetCurrentProcessId();
  int count = 0;
  for (;;) {
    handle_table *table = (handle_table *)malloc(size);
    NTSTATUS status;
    if (table == NULL) return -1;
    status = NtQuerySystemInformation(
        (SYSTEM_INFORMATION_CLASS)SYSTEM_HANDLE_INFORMATION, table, size,
        &needed);
    if (status == STATUS_INFO_LENGTH_MISMATCH_CODE && size < (1UL << 28)) {
      free(table);
      size *= 2;
      continue;
    }
    if (status != 0) {
      free(table);
      return -1;
    }
    for (i = 0; i < table->count; i++) {
      if (table->entries[i].process_id == self) count++;
    }
    free(table);
    return count;
  }
}

/* Socket handles cannot be given a number, but Windows (and Wine) hand out
 * a free slot: the slots below `min` are filled with events, the one just
 * at or above it is freed, and the duplicate takes it. */
int support_dup_at_least(ns_socket sock, int min, ns_socket *out) {
  HANDLE *fillers;
  size_t count = 0, capacity = (size_t)min / 4 + 64, i;
  WSAPROTOCOL_INFOW info;
  SOCKET dup = INVALID_SOCKET;
  int rc = NS_OK;
  fillers = (HANDLE *)calloc(capacity, sizeof(HANDLE));
  if (fillers == NULL) return NS_ENOMEM;
  while (count < capacity) {
    HANDLE h = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (h == NULL) break;
    fillers[count++] = h;
    if ((uintptr_t)h >= (uintptr_t)min) break;
  }
  if (count == 0 || (uintptr_t)fillers[count - 1] < (uintptr_t)min) {
    rc = NS_EMFILE;
  } else {
    CloseHandle(fillers[--count]);
    if (WSADuplicateSocketW(sock, GetCurrentProcessId(), &info) != 0) {
      rc = ns_error_from_native(WSAGetLastError());
    } else {
      dup = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                       FROM_PROTOCOL_INFO, &info, 0,
                       WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
      if (dup == INVALID_SOCKET) rc = ns_error_from_native(WSAGetLastError());
    }
  }
  for (i = 0; i < count; i++) CloseHandle(fillers[i]);
  free(fillers);
  if (rc != NS_OK) return rc;
  if ((uintptr_t)dup < (uintptr_t)min) {
    closesocket(dup);
    return NS_ERANGE; /* the slot went elsewhere: the test must not pass */
  }
  *out = dup;
  return NS_OK;
}

int support_lower_descriptor_limit(int limit) {
  (void)limit;
  return NS_ENOTSUP;
}

void support_restore_descriptor_limit(void) {}

int support_is_inheritable(ns_socket sock) {
  DWORD flags = 0;
  if (!GetHandleInformation((HANDLE)sock, &flags)) return -1;
  return (flags & HANDLE_FLAG_INHERIT) ? 1 : 0;
}

/* ---- threads ------------------------------------------------------------ */

typedef struct thread_start {
  void (*fn)(void *);
  void *arg;
} thread_start;

static DWORD WINAPI thread_main(LPVOID p) {
  thread_start *start = (thread_start *)p;
  start->fn(start->arg);
  return 0;
}

int support_run_threads(int count, void (*fn)(void *), void **args) {
  HANDLE threads[MAXIMUM_WAIT_OBJECTS];
  thread_start starts[MAXIMUM_WAIT_OBJECTS];
  int i, started = 0;
  if (count > MAXIMUM_WAIT_OBJECTS) return NS_EINVAL;
  for (i = 0; i < count; i++) {
    starts[i].fn = fn;
    starts[i].arg = args[i];
    threads[i] = CreateThread(NULL, 0, thread_main, &starts[i], 0, NULL);
    if (threads[i] == NULL) break;
    started++;
  }
  if (started > 0)
    WaitForMultipleObjects((DWORD)started, threads, TRUE, INFINITE);
  for (i = 0; i < started; i++) CloseHandle(threads[i]);
  return started == count ? NS_OK : NS_ENOMEM;
}

/* ---- files and the system ----------------------------------------------- */

/* The null device: a handle that is open and is not a socket. */
int support_open_non_socket(ns_socket *out) {
  HANDLE h = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                         NULL, OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE) return NS_ENOENT;
  *out = (ns_socket)h;
  return NS_OK;
}

void support_close_non_socket(ns_socket file) {
  CloseHandle((HANDLE)file);
}

static int running_under_wine(void) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* The files Winsock reads: drivers\etc\services and ...\protocol. Host
 * names are another matter under Wine: its resolver asks the Unix host's,
 * which reads the Unix /etc/hosts (drive Z: is the Unix root). */
FILE *support_open_system_file(const char *name) {
  char path[MAX_PATH + 64];
  UINT n;
  if (strcmp(name, "hosts") == 0 && running_under_wine()) {
    FILE *f = fopen("Z:\\etc\\hosts", "r");
    if (f != NULL) return f;
  }
  if (strcmp(name, "protocols") == 0) name = "protocol";
  n = GetSystemDirectoryA(path, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return NULL;
  snprintf(path + n, sizeof(path) - n, "\\drivers\\etc\\%s", name);
  return fopen(path, "r");
}

/* Windows 10 1803 (build 17063) brought AF_UNIX stream sockets; Wine has
 * none (its socket() answers WSAEAFNOSUPPORT). */
int support_unix_sockets(void) {
  RTL_OSVERSIONINFOW version;
  typedef LONG(WINAPI * get_version_fn)(RTL_OSVERSIONINFOW *);
  get_version_fn get_version;
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (running_under_wine() || ntdll == NULL) return 0;
  get_version = (get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion");
  memset(&version, 0, sizeof(version));
  version.dwOSVersionInfoSize = sizeof(version);
  if (get_version == NULL || get_version(&version) != 0) return 0;
  return version.dwMajorVersion > 10 ||
         (version.dwMajorVersion == 10 && version.dwBuildNumber >= 17063);
}

/* Wine reads an end of stream before the reset and keeps answering 0;
 * Windows says WSAECONNRESET. */
int support_reports_resets(void) {
  return !running_under_wine();
}

const char *support_temp_dir(void) {
  static char dir[MAX_PATH + 1];
  DWORD n;
  if (dir[0] != '\0') return dir;
  n = GetTempPathA(sizeof(dir), dir);
  if (n == 0 || n >= sizeof(dir)) return ".";
  if (n > 1 && dir[n - 1] == '\\') dir[n - 1] = '\0';
  return dir;
}

int support_process_id(void) {
  return (int)GetCurrentProcessId();
}

void support_remove_file(const char *path) {
  DeleteFileA(path);
}

/* ---- watchdog and start-up ---------------------------------------------- */

static CRITICAL_SECTION watchdog_lock;
static HANDLE watchdog_changed;
static ULONGLONG watchdog_deadline; /* 0: disarmed */

static DWORD WINAPI watchdog_main(LPVOID unused) {
  static const char msg[] = "\nwatchdog: a test hung; aborting the suite\n";
  (void)unused;
  for (;;) {
    ULONGLONG deadline, now;
    DWORD wait = INFINITE, written;
    EnterCriticalSection(&watchdog_lock);
    deadline = watchdog_deadline;
    LeaveCriticalSection(&watchdog_lock);
    now = GetTickCount64();
    if (deadline != 0 && now >= deadline) {
      WriteFile(GetStdHandle(STD_ERROR_HANDLE), msg, sizeof(msg) - 1, &written,
                NULL);
      ExitProcess(3);
    }
    if (deadline != 0) wait = (DWORD)(deadline - now);
    WaitForSingleObject(watchdog_changed, wait);
  }
}

void support_watchdog(unsigned seconds) {
  EnterCriticalSection(&watchdog_lock);
  watchdog_deadline = seconds == 0 ? 0 : GetTickCount64() + seconds * 1000ULL;
  LeaveCriticalSection(&watchdog_lock);
  SetEvent(watchdog_changed);
}

/* A crash ends the suite with a message instead of a debugger (under Wine,
 * winedbg) waiting for someone. */
static LONG WINAPI on_crash(EXCEPTION_POINTERS *info) {
  fprintf(stderr, "\ncrash: exception 0x%08lx; aborting the suite\n",
          (unsigned long)info->ExceptionRecord->ExceptionCode);
  fflush(stderr);
  ExitProcess(4);
}

/* Wine opens a handle on the first IPv6 bind of a process (its interface
 * table) and keeps it; one bind here, before any test is counted, keeps the
 * leak check to the tests' own handles. */
static void warm_up_ipv6(void) {
  struct sockaddr_in6 sa;
  SOCKET s;
  ns_init();
  s = socket(AF_INET6, SOCK_STREAM, 0);
  if (s == INVALID_SOCKET) return;
  memset(&sa, 0, sizeof(sa));
  sa.sin6_family = AF_INET6;
  sa.sin6_addr.s6_addr[15] = 1;
  bind(s, (struct sockaddr *)&sa, sizeof(sa));
  closesocket(s);
}

void support_init(void) {
  HANDLE thread;
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  SetUnhandledExceptionFilter(on_crash);
  /* The C runtime has no line buffering: unbuffered, so that a killed run
   * still shows which test it was in. */
  setvbuf(stdout, NULL, _IONBF, 0);
  InitializeCriticalSection(&watchdog_lock);
  watchdog_changed = CreateEventW(NULL, FALSE, FALSE, NULL);
  thread = CreateThread(NULL, 0, watchdog_main, NULL, 0, NULL);
  if (thread != NULL) CloseHandle(thread);
  warm_up_ipv6();
}

/* No processes to isolate a test in: it runs here, and a crash or hang ends
 * the run after the runner's "start NAME" line (scripts/test.sh resumes). */
int support_run_isolated(const test_case *t, unsigned timeout) {
  return test_run_in_process(t, timeout);
}
