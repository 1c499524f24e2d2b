package frontend

// ClosedConnections is how many closed TCP connections the server remembers (specs only).
func (s *Server) ClosedConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.gone)
}
