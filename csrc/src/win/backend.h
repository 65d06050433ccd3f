/* Shared by the files of the Windows backend only. */
#ifndef NATIVESOCKETS_WIN_BACKEND_H
#define NATIVESOCKETS_WIN_BACKEND_H

#include "../internal.h"

/* The family (AF_*) and type (SOCK_*) `sock` was created with; false if it
 * is not an open socket. */
bool nsi_win_socket_kind(ns_socket sock, int *family, int *type);

#endif
