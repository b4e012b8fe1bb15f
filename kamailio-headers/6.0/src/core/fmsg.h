/**
 *
 * Copyright (C) 2009 Daniel-Constantin Mierla (asipto.com)
 *
 * This file is part of kamailio, a free SIP server.
 *
 * kamailio is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version
 *
 * kamailio is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA  02110-1301  USA
 */

#ifndef _FMSG_H_
#define _FMSG_H_

#include "parser/msg_parser.h"

int faked_msg_init(void);
sip_msg_t *faked_msg_next(void);
sip_msg_t *faked_msg_get_next(void);
sip_msg_t *faked_msg_next_clear(void);
sip_msg_t *faked_msg_get_next_clear(void);
int faked_msg_get_new(sip_msg_t *fmsg);
int faked_msg_match(sip_msg_t *tmsg);

#endif
