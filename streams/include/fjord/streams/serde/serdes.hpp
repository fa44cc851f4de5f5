// fjord-streams: every built-in serde in one include.
//
// utf8, bytes, big_endian<T> (be_i16 … be_double), json<T>, protobuf<M>, optional<S>,
// windowed_serde<S>, plus the serde concept and traits. json.hpp pulls in nlohmann-json;
// protobuf.hpp needs no protobuf headers.
#pragma once

#include "fjord/streams/serde/big_endian.hpp"
#include "fjord/streams/serde/bytes.hpp"
#include "fjord/streams/serde/json.hpp"
#include "fjord/streams/serde/optional.hpp"
#include "fjord/streams/serde/protobuf.hpp"
#include "fjord/streams/serde/serde.hpp"
#include "fjord/streams/serde/serde_traits.hpp"
#include "fjord/streams/serde/utf8.hpp"
#include "fjord/streams/serde/windowed.hpp"
