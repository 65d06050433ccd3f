/* Test support for POSIX targets (Linux, macOS, BSD). */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* What every target with a POSIX libc answers alike. */
#include "support_posix_libc.inc"

/* Linux lists open descriptors in /proc; elsewhere they are probed. */
static int count_proc_descriptors(void) {
  DIR *dir = opendir("/proc/self/fd");
  struct dirent *entry;
  int count = 0;
  if (dir == NULL) return -1;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] != '.') count++;
  }
  closedir(dir);
  return count - 1; /* the directory's own descriptor */
}

int support_descriptor_count(void) {
  struct rlimit rl;
  int fd, count = 0, max;
  count = count_proc_descriptors();
  if (count >= 0) return count;
  count = 0;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  max = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 65536 ? 65536
                                                           : (int)rl.rlim_cur;
  for (fd = 0; fd < max; fd++) {
    if (fcntl(fd, F_GETFD) != -1) count++;
  }
  return count;
}

int support_dup_at_least(ns_socket sock, int min, ns_socket *out) {
  struct rlimit rl;
  int fd;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      rl.rlim_cur <= (rlim_t)min) {
    rl.rlim_cur = (rlim_t)min + 64;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
      return NS_ENOTSUP;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return NS_ENOTSUP;
  }
  fd = fcntl(sock, F_DUPFD_CLOEXEC, min);
  if (fd < 0) return ns_error_from_native(errno);
  *out = fd;
  return NS_OK;
}

static struct rlimit saved_limit;

int support_lower_descriptor_limit(int limit) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &saved_limit) != 0) return NS_ENOTSUP;
  rl = saved_limit;
  rl.rlim_cur = (rlim_t)limit;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return NS_ENOTSUP;
  return NS_OK;
}

void support_restore_descriptor_limit(void) {
  setrlimit(RLIMIT_NOFILE, &saved_limit);
}

int support_is_inheritable(ns_socket sock) {
  int flags = fcntl(sock, F_GETFD);
  if (flags < 0) return -1;
  return (flags & FD_CLOEXEC) ? 0 : 1;
}

typedef struct thread_start {
  void (*fn)(void *);
  void *arg;
} thread_start;

static void *thread_main(void *p) {
  thread_start *start = (thread_start *)p;
  start->fn(start->arg);
  return NULL;
}

int support_run_threads(int count, void (*fn)(void *), void **args) {
  pthread_t threads[64];
  thread_start starts[64];
  int i, started = 0;
  if (count > 64) return NS_EINVAL;
  for (i = 0; i < count; i++) {
    starts[i].fn = fn;
    starts[i].arg = args[i];
    if (pthread_create(&threads[i], NULL, thread_main, &starts[i]) != 0) break;
    started++;
  }
  for (i = 0; i < started; i++) pthread_join(threads[i], NULL);
  return started == count ? NS_OK : NS_ENOMEM;
}

int support_open_non_socket(ns_socket *out) {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ns_error_from_native(errno);
  *out = fd;
  return NS_OK;
}

const char *support_temp_dir(void) {
  const char *dir = getenv("TMPDIR");
  return dir != NULL && dir[0] != '\0' ? dir : "/tmp";
}

int support_process_id(void) {
  return (int)getpid();
}

static void on_watchdog(int sig) {
  static const char msg[] = "\nwatchdog: a test hung; aborting the suite\n";
  (void)sig;
  if (write(2, msg, sizeof(msg) - 1) < 0) _exit(3);
  _exit(3);
}

void support_watchdog(unsigned seconds) {
  signal(SIGALRM, on_watchdog);
  alarm(seconds);
}

/* Why a child that did not report ended: a signal (the watchdog's SIGALRM
 * means it hung), or an exit status other than a verdict (LeakSanitizer
 * exits 23 after its report). */
static void report_abnormal_end(const test_case *t, int status,
                                unsigned timeout) {
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    printf("FAIL %s (hung: still running after %u s)\n", t->name, timeout);
  else if (WIFSIGNALED(status))
    printf("FAIL %s (crashed: signal %d)\n", t->name, WTERMSIG(status));
  else
    printf("FAIL %s (exit status %d)\n", t->name, WEXITSTATUS(status));
  fflush(stdout);
}

/* One child per test, as libuv's runner does. The child's alarm has its
 * default action (terminate), so a hang ends the child, not the runner. The
 * child leaves through exit(), so that LeakSanitizer checks each test. */
int support_run_isolated(const test_case *t, unsigned timeout) {
  int status = 0;
  pid_t child;
  fflush(stdout);
  fflush(stderr);
  child = fork();
  if (child < 0) return test_run_in_process(t, timeout);
  if (child == 0) {
    signal(SIGALRM, SIG_DFL);
    alarm(timeout);
    exit(test_run_and_report(t));
  }
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      printf("FAIL %s (lost its process: %s)\n", t->name, strerror(errno));
      return TEST_FAILED;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) <= TEST_SKIPPED)
    return WEXITSTATUS(status);
  report_abnormal_end(t, status, timeout);
  return TEST_FAILED;
}

void support_init(void) {
  /* SIGPIPE keeps its default action (terminate): the EPIPE tests prove the
   * library never raises it. */
  signal(SIGPIPE, SIG_DFL);
  setvbuf(stdout, NULL, _IOLBF, 0);
}
