/* version.h - the tsload version, reported by --version and in run.json.
 *
 * The build writes gitversion.h (git describe --always --dirty) into its
 * build directory; a tree without .git (a tarball) has only the release
 * number below.
 */
#ifndef TSL_VERSION_H
#define TSL_VERSION_H

#define TSLOAD_VERSION "0.1.0"

#if defined(__has_include)
#if __has_include("gitversion.h")
#include "gitversion.h"
#endif
#endif
/* "" when the source was not a git checkout */
#ifndef TSLOAD_GIT_DESCRIBE
#define TSLOAD_GIT_DESCRIBE ""
#endif

#endif
