package ews

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Item kinds carried inside an id.
const (
	kindContact = 'C'
	kindPersona = 'P'
	kindGroup   = 'G'
	kindFolder  = 'F'
)

// Folder numbers of the distinguished folders.
const (
	folderRoot = iota + 1
	folderContacts
	folderQuick
	folderImList
	folderTop // "root", above msgfolderroot (numbered last so the older ids stay as they were)
)

// idSpace mints the opaque ids of one mailbox: base64 of kind, a hash of the seed and the
// mailbox address, and the mailbox's counter, so the same seed gives the same ids.
type idSpace struct {
	hash string
}

func newIDSpace(seed uint64, smtp string) idSpace {
	h := fnv.New64a()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(strings.ToLower(smtp)))
	return idSpace{hash: fmt.Sprintf("%016x", h.Sum64())}
}

func (s idSpace) id(kind byte, n uint64) string {
	return base64.StdEncoding.EncodeToString([]byte("UCS" + string(kind) + ":" + s.hash + ":" + strconv.FormatUint(n, 10)))
}

func changeKey(kind byte, n uint64, version int) string {
	return base64.StdEncoding.EncodeToString([]byte("CK" + string(kind) + strconv.FormatUint(n, 10) + "." + strconv.Itoa(version)))
}

// parsedID is a decoded id; ok is false for a well-formed id of another mailbox.
type parsedID struct {
	kind byte
	n    uint64
	ok   bool
}

// parseID decodes an id minted by any idSpace; err means malformed.
func (s idSpace) parse(id string) (parsedID, error) {
	raw, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return parsedID{}, fmt.Errorf("id %q is not base64", id)
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || len(parts[0]) != 4 || !strings.HasPrefix(parts[0], "UCS") || len(parts[1]) != 16 {
		return parsedID{}, fmt.Errorf("id %q is not an id of this server", id)
	}
	n, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil {
		return parsedID{}, fmt.Errorf("id %q is not an id of this server", id)
	}
	return parsedID{kind: parts[0][3], n: n, ok: parts[1] == s.hash}, nil
}
