/*
 * banned.h: functions that are too easy to misuse.  Use strbuf, xsnprintf
 * or the path helpers instead.  Included last from compat.h.
 */
#ifndef RELC_BANNED_H
#define RELC_BANNED_H

#define RELC_BANNED(func) sorry_##func##_is_banned_in_relc

#undef strcpy
#define strcpy(x, y) RELC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) RELC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) RELC_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) RELC_BANNED(strncat)
#undef sprintf
#define sprintf(...) RELC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) RELC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) RELC_BANNED(strtok)
#undef gets
#define gets(x) RELC_BANNED(gets)
#undef mktemp
#define mktemp(x) RELC_BANNED(mktemp)
#undef localtime
#define localtime(t) RELC_BANNED(localtime)
#undef gmtime
#define gmtime(t) RELC_BANNED(gmtime)

#endif
