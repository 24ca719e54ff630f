/* version.h - the tsload version, reported by --version and in run.json. */
#ifndef TSL_VERSION_H
#define TSL_VERSION_H

#define TSLOAD_VERSION "0.1.0"

#endif
